/**
 * The CDK app (cdk.json: `npx tsx infra/app.ts`): the campaign-ops stack with the windows of
 * infra/windows.ts, checked by cdk-nag. An invalid window configuration stops here with a message
 * naming each window and field, and no stack trace to dig through.
 */
import { createApp } from './create-app.js';
import { WindowConfigError } from './config/validate.js';
import { campaignOps } from './windows.js';

try {
  createApp(campaignOps);
} catch (error) {
  if (!(error instanceof WindowConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
