/**
 * A window configuration for the infra tests: independent of infra/windows.ts, which operators edit.
 * Covers each provider, a created and an imported secret, a flexible window and a disabled one-time window.
 */
import type { CampaignOpsConfig, WindowConfig } from '../../infra/config/types.js';

const nightly: WindowConfig = {
  name: 'nightly',
  provider: 'deltadna',
  secret: 'campaign-ops/deltaslot-live',
  select: { environment: 8756 },
  pause: 'cron(0 22 * * ? *)',
  resume: 'cron(0 6 * * ? *)',
  timeZone: 'Europe/Berlin',
  enabled: true,
};

const testConfig: CampaignOpsConfig = {
  killSwitch: false,
  alarmEmail: 'oncall@example.com',
  recipientBuckets: ['campaign-ops-recipients'],
  accounts: [
    { secret: 'campaign-ops/deltaslot-live', provider: 'deltadna', createSecret: true },
    // Imported: the stack references it by name and creates nothing.
    { secret: 'campaign-ops/hood', provider: 'ocamba' },
    { secret: 'campaign-ops/kahuna-prod', provider: 'kahuna', createSecret: true },
  ],
  windows: [
    nightly,
    {
      name: 'hood-night-off',
      provider: 'ocamba',
      secret: 'campaign-ops/hood',
      select: { labels: ['night-off'] },
      reason: 'Overnight maintenance',
      pause: 'cron(30 23 ? * MON-FRI *)',
      resume: 'cron(0 7 ? * TUE-SAT *)',
      timeZone: 'America/New_York',
      flexibleWindowMinutes: 10,
      enabled: true,
    },
    {
      name: 'release-freeze',
      provider: 'deltadna',
      secret: 'campaign-ops/deltaslot-live',
      select: { allEnvironments: true, names: ['Promo*'] },
      pause: '2026-12-28T09:00',
      resume: 'at(2026-12-28T13:00:00)',
      timeZone: 'Asia/Tokyo',
      enabled: false,
    },
  ],
};

/** The fixture with one window changed: for the invalid-configuration cases. */
const withWindow = (index: number, change: Record<string, unknown>): CampaignOpsConfig => ({
  ...testConfig,
  windows: testConfig.windows.map((window, i) => (i === index ? ({ ...window, ...change } as WindowConfig) : window)),
});

export { testConfig, nightly, withWindow };
