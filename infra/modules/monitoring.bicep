// Monitoring: Log Analytics, Application Insights, an action group that reaches a person, and the alerts.
//
// The worker sends its own logs to Application Insights (Telemetry.cs), so each trace carries customDimensions
// EventId, EventName and every message field by name. Logs that reach Application Insights through the Functions host
// instead carry EventName but EventId 0 and the fields as prop__<Field>, so every query matches on EventName and
// reads a field under both names. TelemetryTests checks these queries against what the worker really emits.
param name string
param location string

@description('E-mail address the alerts go to (the on-call person or list).')
param alertEmail string

@description('Optional webhook (e.g. a paging or chat service) the alerts also go to; empty for none.')
param alertWebhookUrl string = ''

@description('Alert when the oldest payment not yet posted is older than this many minutes.')
param oldestUnpostedMinutes int = 30

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

resource oncall 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${name}-oncall'
  location: 'global'
  properties: {
    groupShortName: take('${name}oncall', 12)
    enabled: true
    emailReceivers: [
      { name: 'oncall-email', emailAddress: alertEmail, useCommonAlertSchema: true }
    ]
    webhookReceivers: empty(alertWebhookUrl) ? [] : [
      { name: 'oncall-webhook', serviceUri: alertWebhookUrl, useCommonAlertSchema: true }
    ]
  }
}

// The vendor probe runs every minute with or without traffic; a failed probe (after its retries) logs ProbeFailed and
// opens the circuit (VendorStateChanged to down); the minute's snapshot repeats the state while it lasts.
var vendorDownQuery = '''
traces
| extend newState = coalesce(tostring(customDimensions.NewState), tostring(customDimensions.prop__NewState)), vendorState = coalesce(tostring(customDimensions.VendorState), tostring(customDimensions.prop__VendorState))
| where tostring(customDimensions.EventName) == "ProbeFailed"
    or (tostring(customDimensions.EventName) == "VendorStateChanged" and newState == "down")
    or (tostring(customDimensions.EventName) == "OperationsSnapshot" and vendorState == "down")
'''

// The probe's key is refused (401/403: revoked, or a restricted key without Balance read): nothing can be posted
// until operators fix Stripe:ApiKey. Not an outage, so its own alert.
var vendorMisconfiguredQuery = '''
traces
| extend newState = coalesce(tostring(customDimensions.NewState), tostring(customDimensions.prop__NewState)), vendorState = coalesce(tostring(customDimensions.VendorState), tostring(customDimensions.prop__VendorState))
| where tostring(customDimensions.EventName) == "VendorMisconfigured"
    or (tostring(customDimensions.EventName) == "VendorStateChanged" and newState == "misconfigured")
    or (tostring(customDimensions.EventName) == "OperationsSnapshot" and vendorState == "misconfigured")
'''

var oldestUnpostedQuery = '''
traces
| where tostring(customDimensions.EventName) == "OperationsSnapshot"
| extend OldestUnpostedSeconds = todouble(coalesce(tostring(customDimensions.OldestUnpostedSeconds), tostring(customDimensions.prop__OldestUnpostedSeconds)))
'''

var poisonQuery = '''
traces
| where tostring(customDimensions.EventName) == "OperationsSnapshot"
| extend PoisonedMessages = toint(coalesce(tostring(customDimensions.PoisonedMessages), tostring(customDimensions.prop__PoisonedMessages)))
'''

var failedBatchQuery = '''
traces
| where tostring(customDimensions.EventName) == "OperationsSnapshot"
| extend FailedBatches = toint(coalesce(tostring(customDimensions.FailedBatches), tostring(customDimensions.prop__FailedBatches)))
'''

var reconciliationQuery = '''
traces
| extend Mismatches = toint(coalesce(tostring(customDimensions.Mismatches), tostring(customDimensions.prop__Mismatches)))
| where (tostring(customDimensions.EventName) == "ReconciliationFinished" and Mismatches > 0)
    or tostring(customDimensions.EventName) == "ReconciliationFailed"
'''

var snapshotQuery = '''
traces
| where tostring(customDimensions.EventName) == "OperationsSnapshot"
'''

var alerts = [
  {
    key: 'vendor-down'
    displayName: 'Billing vendor down (probe failing)'
    description: 'The vendor probe failed or the shared circuit is open. Intake keeps accepting; posting waits. Check Stripe status and GET /api/ops/status.'
    severity: 1
    windowSize: 'PT5M'
    query: vendorDownQuery
    timeAggregation: 'Count'
    measure: ''
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    key: 'vendor-misconfigured'
    displayName: 'Billing vendor refuses our key'
    description: 'Stripe answers 401/403 to the probe: the key is revoked or a restricted key lacks a permission (see the README). Intake keeps accepting; nothing is posted until Stripe:ApiKey is fixed.'
    severity: 1
    windowSize: 'PT5M'
    query: vendorMisconfiguredQuery
    timeAggregation: 'Count'
    measure: ''
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    key: 'oldest-unposted'
    displayName: 'Payments waiting too long'
    description: 'The oldest payment not yet posted is older than ${oldestUnpostedMinutes} minutes.'
    severity: 2
    windowSize: 'PT5M'
    query: oldestUnpostedQuery
    timeAggregation: 'Maximum'
    measure: 'OldestUnpostedSeconds'
    operator: 'GreaterThan'
    threshold: oldestUnpostedMinutes * 60
  }
  {
    key: 'poison'
    displayName: 'Poisoned payments need an operator'
    description: 'At least one payment message is in poison: paymentctl poison list, then replay or resolve.'
    severity: 2
    windowSize: 'PT5M'
    query: poisonQuery
    timeAggregation: 'Maximum'
    measure: 'PoisonedMessages'
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    key: 'batch-failed'
    displayName: 'A mail-in batch failed'
    description: 'A batch message reached batches-poison: its lines were not all recorded. Check GET /api/batches/{id} and the logs.'
    severity: 2
    windowSize: 'PT5M'
    query: failedBatchQuery
    timeAggregation: 'Maximum'
    measure: 'FailedBatches'
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    key: 'reconciliation-mismatch'
    displayName: 'Our books and Stripe disagree (or the reconciliation failed)'
    description: 'A reconciliation with Stripe found mismatches (worst: charged at Stripe but not posted here) or could not run. paymentctl reconcile list, then paymentctl reconcile show <id>.'
    severity: 2
    windowSize: 'PT15M'
    query: reconciliationQuery
    timeAggregation: 'Count'
    measure: ''
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    key: 'silent'
    displayName: 'No operations snapshot (app not running its timers)'
    description: 'No OperationsSnapshot for 10 minutes: the app is stopped or failing at start, so no other alert could fire.'
    severity: 1
    windowSize: 'PT10M'
    query: snapshotQuery
    timeAggregation: 'Count'
    measure: ''
    operator: 'LessThan'
    threshold: 1
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for alert in alerts: {
  name: '${name}-${alert.key}'
  location: location
  properties: {
    displayName: alert.displayName
    description: alert.description
    severity: alert.severity
    enabled: true
    evaluationFrequency: 'PT1M'
    windowSize: alert.windowSize
    scopes: [ insights.id ]
    autoMitigate: true
    criteria: {
      allOf: [
        union({
          query: alert.query
          timeAggregation: alert.timeAggregation
          operator: alert.operator
          threshold: alert.threshold
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }, empty(alert.measure) ? {} : { metricMeasureColumn: alert.measure })
      ]
    }
    actions: { actionGroups: [ oncall.id ] }
  }
}]

output connectionString string = insights.properties.ConnectionString
output actionGroupId string = oncall.id
