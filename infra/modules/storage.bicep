// Storage: shared-key access disabled (the app and the Functions host use the app's managed identity); the queues,
// tables and containers the app uses are created here, so the identity needs data-plane roles only.
param name string
param location string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: '${name}${uniqueString(resourceGroup().id)}'
  location: location
  sku: { name: 'Standard_ZRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: 30 }
  }
}

// deployments: the Flex Consumption package; batches: raw batch files and their reports (StorageNames.BatchesContainer).
resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in [ 'deployments', 'batches' ]: {
  parent: blobs
  name: container
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// QueueNames: payments and batches, each with the poison queue the Functions host names <queue>-poison.
resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queue in [ 'payments', 'payments-poison', 'batches', 'batches-poison', 'reconciliations', 'reconciliations-poison' ]: {
  parent: queueService
  name: queue
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// StorageNames: every table the app uses (StorageLayoutTests keeps this list equal to the code's).
var tableNames = [
  'payments'
  'vendorstate'
  'paymentsdue'
  'messagefailures'
  'poison'
  'audit'
  'batches'
  'checks'
  'vendorrate'
  'invoiceclaims'
  'paymentcounts'
  'paymentsbymember'
  'deadlinecounts'
  'paymentsposted'
  'reconciliations'
  'reconciliationmismatches'
]

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for table in tableNames: {
  parent: tableService
  name: table
}]

output accountName string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
