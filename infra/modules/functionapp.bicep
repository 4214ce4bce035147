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
param postingRatePerSecond int

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
        { name: 'Posting__RatePerSecond', value: string(postingRatePerSecond) }
      ]
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
