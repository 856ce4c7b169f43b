/**
 * Names shared by the stack (infra/) and the Lambdas: environment variables, metric names, table keys.
 * One place, so the stack cannot configure what a handler does not read.
 */

const ENVIRONMENT = {
  /** DynamoDB table holding window state and account leases. */
  windowTable: 'WINDOW_TABLE_NAME',
  /** EventBridge bus that receives every run's result. */
  eventBus: 'EVENT_BUS_NAME',
  /** Prefix of the companion secrets that cache vendor tokens: prefix + account secret name. */
  tokenCachePrefix: 'TOKEN_CACHE_PREFIX',
} as const;

const METRICS = {
  namespace: 'CampaignOps',
  service: 'campaign-ops',
  campaignsChanged: 'CampaignsChanged',
  campaignsUnchanged: 'CampaignsUnchanged',
  campaignsRejected: 'CampaignsRejected',
  campaignsFailed: 'CampaignsFailed',
  vendorRequests: 'VendorRequests',
  vendorRetries: 'VendorRetries',
  vendorThrottles: 'VendorThrottles',
  runsFailed: 'RunsFailed',
  /** A run delivered after the window's other edge had run for a later time: skipped, nothing changed. */
  runsStale: 'RunsStale',
  /** A run's result could not be put on the bus (populate logs it and returns instead of throwing). */
  resultsUnpublished: 'ResultsUnpublished',
  populateRecipientsSubmitted: 'PopulateRecipientsSubmitted',
  populateRecipientsInvalid: 'PopulateRecipientsInvalid',
} as const;

const EVENTS = {
  source: 'campaign-ops',
  campaignsPaused: 'Campaigns Paused',
  campaignsResumed: 'Campaigns Resumed',
  populateSubmitted: 'Populate Submitted',
  populateFinished: 'Populate Finished',
  runFailed: 'Run Failed',
  /** A pause or resume delivered too late to act (the detail names the run that made it stale). */
  runSkipped: 'Run Skipped',
  /** Events that start runs (put on the bus by a release pipeline or a person). */
  maintenanceStarted: 'Maintenance Started',
  maintenanceFinished: 'Maintenance Finished',
  pauseRequested: 'Pause Requested',
  resumeRequested: 'Resume Requested',
  populateRequested: 'Populate Requested',
} as const;

const TOKEN_CACHE_PREFIX_DEFAULT = 'campaign-ops/token-cache/';

export { ENVIRONMENT, METRICS, EVENTS, TOKEN_CACHE_PREFIX_DEFAULT };
