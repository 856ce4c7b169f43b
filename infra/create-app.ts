/**
 * Builds the CDK app: the campaign-ops stack from a window configuration, checked by cdk-nag's
 * AwsSolutions rules at synth (any unacknowledged finding fails the synth). Shared by infra/app.ts
 * and the tests, so both check exactly the same thing.
 */
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CampaignOpsStack } from './campaign-ops-stack.js';
import type { CampaignOpsConfig } from './config/types.js';

const STACK_NAME = 'CampaignOps';

const createApp = (config: CampaignOpsConfig, props: AppProps = {}): { app: App; stack: CampaignOpsStack } => {
  const app = new App(props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const stack = new CampaignOpsStack(app, STACK_NAME, {
    config,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  return { app, stack };
};

export { createApp };
