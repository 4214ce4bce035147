param name string
param location string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

// Event 5001 (VendorStateChanged) is logged whenever the vendor goes down or comes back.
resource vendorAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${name}-vendor-state'
  location: location
  properties: {
    displayName: 'Billing vendor state changed'
    severity: 1
    enabled: true
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    scopes: [ insights.id ]
    criteria: {
      allOf: [
        {
          query: 'traces | where customDimensions.EventId == "5001"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
        }
      ]
    }
  }
}

output connectionString string = insights.properties.ConnectionString
