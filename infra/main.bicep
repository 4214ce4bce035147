// PaymentFunctions on Azure: storage (identity only), Key Vault, monitoring with alerts, and the function app.
// Deploy: `azd up` (azure.yaml, main.parameters.json), or see README "Deploy to Azure" for az CLI + zip deploy.
targetScope = 'resourceGroup'

@description('Name prefix for every resource (3–11 lower-case letters or digits).')
@minLength(3)
@maxLength(11)
param name string = 'payfn'

param location string = resourceGroup().location

@secure()
@description('Stripe secret key (sk_live_… or sk_test_…).')
param stripeApiKey string

@secure()
@description('Signing secret of the Stripe webhook endpoint (whsec_…); empty on the first deployment, set it in Key Vault once the endpoint exists.')
param stripeWebhookSecret string = ''

@description('Where Stripe sends members back after 3-D Secure (Stripe:ReturnUrl, absolute https URL); empty: 3-D Secure needs Stripe.js in the front end.')
param stripeReturnUrl string = ''

@secure()
@description('Secret of the payment-id HMAC (PaymentIntake:IdSecret), at least 32 characters; keep it for the life of the data.')
@minLength(32)
param paymentIdSecret string

@description('Application (client) id of the Entra ID app registration that defines the app roles intake, lockbox and operations.')
param entraClientId string

@description('Most instances of the app (Flex Consumption takes 1 to 1000); the vendor\'s rate is shared by all instances, so scaling out never exceeds it.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Vendor requests per second for the whole app, all instances together (Posting:VendorRatePerSecond), for an account whose limits Stripe raised; 0: the app follows Stripe\'s documented limits for its key\'s mode (95 % of 100/s live, of 25/s in a sandbox, and of 25/s per endpoint).')
@minValue(0)
@maxValue(10000)
param vendorRatePerSecond int = 0

@description('Instances kept warm for the HTTP functions (Flex Consumption always-ready group http): a member\'s first payment after idle time does not wait for a cold start. 0 turns it off (and its cost).')
@minValue(0)
@maxValue(10)
param alwaysReadyHttpInstances int = 1

@description('E-mail address the alerts reach (vendor down, payments waiting, poison, failed batch, app silent).')
param alertEmail string

@description('Optional webhook the alerts also reach (paging or chat service); empty for none.')
param alertWebhookUrl string = ''

@description('Alert when the oldest payment not yet posted is older than this many minutes.')
@minValue(5)
param oldestUnpostedMinutes int = 30

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: name
    location: location
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: name
    location: location
    alertEmail: alertEmail
    alertWebhookUrl: alertWebhookUrl
    oldestUnpostedMinutes: oldestUnpostedMinutes
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: name
    location: location
    stripeApiKey: stripeApiKey
    stripeWebhookSecret: stripeWebhookSecret
    paymentIdSecret: paymentIdSecret
  }
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: name
    location: location
    storageAccountName: storage.outputs.accountName
    appInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultName: vault.outputs.name
    stripeApiKeyUri: vault.outputs.stripeApiKeyUri
    stripeWebhookSecretUri: vault.outputs.stripeWebhookSecretUri
    paymentIdSecretUri: vault.outputs.paymentIdSecretUri
    stripeReturnUrl: stripeReturnUrl
    entraClientId: entraClientId
    maximumInstanceCount: maximumInstanceCount
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    vendorRatePerSecond: vendorRatePerSecond
  }
}

output functionAppName string = app.outputs.name
output defaultHostName string = app.outputs.defaultHostName
output keyVaultName string = vault.outputs.name
output stripeWebhookUrl string = 'https://${app.outputs.defaultHostName}/api/webhooks/stripe'

