param name string
param location string
param storageAccountName string
param appInsightsConnectionString string
@secure()
param stripeApiKey string
@secure()
param stripeWebhookSecret string
param stripeReturnUrl string
param maximumInstanceCount int
@secure()
param paymentIdSecret string
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

var storageConnection = 'DefaultEndpointsProtocol=https;AccountName=${account.name};AccountKey=${account.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: '${name}-${uniqueString(resourceGroup().id)}'
  location: location
  kind: 'functionapp,linux'
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${account.properties.primaryEndpoints.blob}deployments'
          authentication: { type: 'StorageAccountConnectionString', storageAccountConnectionStringName: 'AzureWebJobsStorage' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        { name: 'AzureWebJobsStorage', value: storageConnection }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'Stripe__ApiKey', value: stripeApiKey }
        { name: 'Stripe__WebhookSecret', value: stripeWebhookSecret }
        { name: 'Stripe__ReturnUrl', value: stripeReturnUrl }
        { name: 'PaymentIntake__IdSecret', value: paymentIdSecret }
        { name: 'Posting__VendorRatePerSecond', value: string(vendorRatePerSecond) }
      ]
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName

// App Service Authentication (Entra ID): the platform validates each caller's token and passes the principal, with
// its app roles (intake, lockbox, operations), to the functions in X-MS-CLIENT-PRINCIPAL. Health and the signed Stripe
// webhook stay anonymous. Function keys remain an outer gate.
resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: [ '/api/health', '/api/webhooks/stripe' ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: entraClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [ 'api://${entraClientId}' ]
        }
      }
    }
    login: { tokenStore: { enabled: false } }
  }
}
