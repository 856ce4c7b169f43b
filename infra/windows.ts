/**
 * The maintenance windows this deployment runs, and the vendor accounts they use. Edit, then `cdk deploy`.
 * `npm run synth` checks it first: a bad cron, an unknown time zone, a resume before its pause or an
 * undeclared secret stops the synth with a message naming the window and the field.
 *
 * Times are in each window's `timeZone` and follow its daylight saving time. Cron is EventBridge
 * Scheduler's six fields, `cron(minutes hours day-of-month month day-of-week year)`, with "?" in exactly one
 * of the two day fields; a one-time window uses `at(yyyy-mm-ddThh:mm:ss)`.
 * See infra/README.md ("Defining windows").
 */
import type { CampaignOpsConfig } from './config/types.js';

const campaignOps: CampaignOpsConfig = {
  // true disables every schedule and window event rule at the next deploy (manual runs still work).
  killSwitch: false,
  // alarmEmail: 'live-ops-oncall@example.com',
  // Buckets populate may stream recipient files from ("recipients": { "s3": "s3://bucket/key.jsonl" }).
  recipientBuckets: [],

  accounts: [
    { secret: 'campaign-ops/deltaslot-live', provider: 'deltadna', createSecret: true },
    { secret: 'campaign-ops/hood', provider: 'ocamba', createSecret: true },
    { secret: 'campaign-ops/kahuna-prod', provider: 'kahuna', createSecret: true },
  ],

  windows: [
    {
      // Every night 22:00-06:00 Berlin time: pause DeltaSlot Live's running campaigns, then resume exactly those.
      name: 'nightly',
      provider: 'deltadna',
      secret: 'campaign-ops/deltaslot-live',
      select: { environment: 8756 },
      pause: 'cron(0 22 * * ? *)',
      resume: 'cron(0 6 * * ? *)',
      timeZone: 'Europe/Berlin',
      enabled: true,
    },
    {
      // Ocamba campaigns labelled "night-off", paused with a reason the vendor shows.
      name: 'hood-night-off',
      provider: 'ocamba',
      secret: 'campaign-ops/hood',
      select: { labels: ['night-off'] },
      reason: 'Overnight maintenance',
      pause: 'cron(0 22 * * ? *)',
      resume: 'cron(0 6 * * ? *)',
      timeZone: 'Europe/Berlin',
      flexibleWindowMinutes: 5,
      enabled: true,
    },
    {
      // A one-time freeze, ready to switch on: every Live campaign off for the 2026 year-end release.
      name: 'release-freeze-2026',
      provider: 'deltadna',
      secret: 'campaign-ops/deltaslot-live',
      select: { environment: 8756, exclude: ['34751'] },
      pause: 'at(2026-12-28T09:00:00)',
      resume: 'at(2026-12-28T13:00:00)',
      timeZone: 'Europe/Berlin',
      enabled: false,
    },
  ],
};

export { campaignOps };
