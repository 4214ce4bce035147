// Key Vault for the app's secrets (RBAC, no access policies). The app reads them through Key Vault references, so
// nobody who can list app settings sees a secret. The webhook signing secret exists only after the Stripe webhook
// endpoint is created (it needs the app's URL): leave stripeWebhookSecret empty on the first deployment and set the
// secret afterwards (README: Deploy to Azure); until then webhooks answer 503.
param name string
param location string

@secure()
param stripeApiKey string

@secure()
param stripeWebhookSecret string

@secure()
param paymentIdSecret string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: '${name}-kv-${take(uniqueString(resourceGroup().id), 8)}'
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
    softDeleteRetentionInDays: 90
  }
}

resource apiKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'stripe-api-key'
  properties: { value: stripeApiKey }
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(stripeWebhookSecret)) {
  parent: vault
  name: 'stripe-webhook-secret'
  properties: { value: stripeWebhookSecret }
}

resource idSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'payment-id-secret'
  properties: { value: paymentIdSecret }
}

output name string = vault.name
output stripeApiKeyUri string = '${vault.properties.vaultUri}secrets/${apiKey.name}'
output stripeWebhookSecretUri string = '${vault.properties.vaultUri}secrets/stripe-webhook-secret'
output paymentIdSecretUri string = '${vault.properties.vaultUri}secrets/${idSecret.name}'
