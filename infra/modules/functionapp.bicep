param name string
param location string
param storageAccountName string
param appInsightsConnectionString string
param keyVaultName string
param stripeApiKeyUri string
param stripeWebhookSecretUri string
param paymentIdSecretUri string
param stripeReturnUrl string
param maximumInstanceCount int
param alwaysReadyHttpInstances int
param entraClientId string
param vendorRatePerSecond int

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: '${name}-${uniqueString(resourceGroup().id)}'
  location: location
  kind: 'functionapp,linux'
  tags: { 'azd-service-name': 'api' }
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${account.properties.primaryEndpoints.blob}deployments'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
        // The HTTP group (every HTTP trigger) stays warm: intake answers in milliseconds even after idle time.
        alwaysReady: alwaysReadyHttpInstances > 0 ? [ { name: 'http', instanceCount: alwaysReadyHttpInstances } ] : []
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    // Key Vault references resolve with the app's system-assigned identity (Key Vault Secrets User, below).
    keyVaultReferenceIdentity: 'SystemAssigned'
    siteConfig: {
      minTlsVersion: '1.2'
    }
  }
}

// The app settings are their own resource, applied only once the identity holds its roles: a Key Vault reference
// set before the app may read the vault arrives as its literal text (Microsoft Learn, "Use Key Vault references as
// app settings"), and identity-based host storage needs its data roles before the host starts.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  dependsOn: [ storageRoles, secretsUser ]
  properties: union({
    // Identity-based host storage: no account key anywhere (the account refuses shared keys).
    AzureWebJobsStorage__accountName: account.name
    AzureWebJobsStorage__credential: 'managedidentity'
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    Stripe__ApiKey: '@Microsoft.KeyVault(SecretUri=${stripeApiKeyUri})'
    Stripe__WebhookSecret: '@Microsoft.KeyVault(SecretUri=${stripeWebhookSecretUri})'
    Stripe__ReturnUrl: stripeReturnUrl
    PaymentIntake__IdSecret: '@Microsoft.KeyVault(SecretUri=${paymentIdSecretUri})'
  }, vendorRatePerSecond > 0 ? { Posting__VendorRatePerSecond: string(vendorRatePerSecond) } : {})
}

// Data-plane roles of the app's identity: blobs (host leases, deployment package, batch files), queues, tables, secrets.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in items(roles): {
  name: guid(account.id, app.id, role.value)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, app.id, 'keyVaultSecretsUser')
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName

// App Service Authentication (Entra ID): the platform validates each caller's token (or, for an operator in the
// browser, the session its /.auth/login/aad sign-in made) and passes the principal, with its app roles (intake,
// lockbox, operations), to the functions in X-MS-CLIENT-PRINCIPAL. Health, readiness, the signed Stripe webhook and
// the console's static files (no data: the page offers the sign-in) stay anonymous; the console's API
// (/api/console/api/...) takes no function key, so it relies on this sign-in (WEBSITE_AUTH_ENABLED, which App Service
// sets with it, is what the app checks). Function keys remain an outer gate for every other route.
var consoleFiles = [ '/api/console', '/api/console/', '/api/console/index.html', '/api/console/console.js', '/api/console/console.css', '/api/console/chart.umd.min.js' ]
resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: concat([ '/api/health', '/api/ready', '/api/webhooks/stripe' ], consoleFiles)
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: entraClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          // Callers' access tokens (api://…) and the operators' browser sign-in (the ID token's audience is the client id).
          allowedAudiences: [ 'api://${entraClientId}', entraClientId ]
        }
      }
    }
    login: { tokenStore: { enabled: false } }
  }
}
