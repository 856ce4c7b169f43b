/**
 * The CDK app (cdk.json: `npx tsx infra/app.ts`): the campaign-ops stack with the windows of
 * infra/windows.ts, checked by cdk-nag. An invalid window configuration fails here, naming the window.
 */
import { createApp } from './create-app.js';
import { campaignOps } from './windows.js';

createApp(campaignOps);
