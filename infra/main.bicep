// PaymentFunctions on Azure: storage (queues, tables, blobs), monitoring, and the function app.
// Deploy: az deployment group create -g <rg> -f infra/main.bicep -p stripeApiKey=<sk_live_…> stripeWebhookSecret=<whsec_…>
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
@description('Signing secret of the Stripe webhook endpoint (whsec_…).')
param stripeWebhookSecret string

@description('Where Stripe sends members back after 3-D Secure (Stripe:ReturnUrl, absolute https URL); empty: 3-D Secure needs Stripe.js in the front end.')
param stripeReturnUrl string = ''

@secure()
@description('Secret of the payment-id HMAC (PaymentIntake:IdSecret), at least 32 characters; keep it for the life of the data.')
@minLength(32)
param paymentIdSecret string

@description('Application (client) id of the Entra ID app registration that defines the app roles intake, lockbox and operations.')
param entraClientId string

@description('Most instances of the app. Flex Consumption refuses fewer than 40 in most regions; the vendor\'s rate is shared by all instances, so scaling out never exceeds it.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Vendor requests per second for the whole app, all instances together (Posting:VendorRatePerSecond); keep it under Stripe\'s 100/s live limit.')
@minValue(1)
@maxValue(95)
param vendorRatePerSecond int = 80

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
  }
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: name
    location: location
    storageAccountName: storage.outputs.accountName
    appInsightsConnectionString: monitoring.outputs.connectionString
    stripeApiKey: stripeApiKey
    stripeWebhookSecret: stripeWebhookSecret
    stripeReturnUrl: stripeReturnUrl
    paymentIdSecret: paymentIdSecret
    entraClientId: entraClientId
    maximumInstanceCount: maximumInstanceCount
    vendorRatePerSecond: vendorRatePerSecond
  }
}

output functionAppName string = app.outputs.name
output defaultHostName string = app.outputs.defaultHostName
