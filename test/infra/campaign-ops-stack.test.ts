import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App, CfnResource } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseWindowRequest } from '../../functions/core/request.js';
import { ENVIRONMENT, EVENTS, METRICS, TOKEN_CACHE_PREFIX_DEFAULT } from '../../functions/settings.js';
import type { CampaignOpsStack } from '../../infra/campaign-ops-stack.js';
import { createApp } from '../../infra/create-app.js';
import { testConfig } from './fixtures.js';
import { VENDORS } from '../../functions/providers/index.js';

type Json = Record<string, any>;
type Resources = Record<string, { Type: string; Properties: Json }>;

// Skipping bundling (the CDK's own switch) keeps the extra stacks fast; the main stack bundles for real.
const WITHOUT_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const ANYTHING_BUT_OURS = [{ 'anything-but': [EVENTS.source] }];

/** Every window edge of the fixture, as the schedules must carry it. */
const EDGES = [
  { window: 'nightly', action: 'pause', expression: 'cron(0 22 * * ? *)', timeZone: 'Europe/Berlin', state: 'ENABLED', flexible: { Mode: 'OFF' } },
  { window: 'nightly', action: 'resume', expression: 'cron(0 6 * * ? *)', timeZone: 'Europe/Berlin', state: 'ENABLED', flexible: { Mode: 'OFF' } },
  { window: 'hood-night-off', action: 'pause', expression: 'cron(30 23 ? * MON-FRI *)', timeZone: 'America/New_York', state: 'ENABLED', flexible: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 10 } },
  { window: 'hood-night-off', action: 'resume', expression: 'cron(0 7 ? * TUE-SAT *)', timeZone: 'America/New_York', state: 'ENABLED', flexible: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 10 } },
  { window: 'release-freeze', action: 'pause', expression: 'at(2026-12-28T09:00:00)', timeZone: 'Asia/Tokyo', state: 'DISABLED', flexible: { Mode: 'OFF' } },
  { window: 'release-freeze', action: 'resume', expression: 'at(2026-12-28T13:00:00)', timeZone: 'Asia/Tokyo', state: 'DISABLED', flexible: { Mode: 'OFF' } },
] as const;

/** The request contract a window edge must send, written out independently of the stack's code. */
const expectedRequest = (windowName: string, action: 'pause' | 'resume'): Json => {
  const window = testConfig.windows.find((w) => w.name === windowName)!;
  return {
    provider: window.provider,
    secret: window.secret,
    window: window.name,
    select: window.select,
    ...(window.reason ? { reason: window.reason } : {}),
    dryRun: false,
    ...(action === 'resume' ? { scope: 'window' } : {}),
  };
};

/** A minimal EventBridge pattern matcher: exact values and anything-but, which is all the rules use. */
const matchesPattern = (pattern: Json, event: Json): boolean =>
  Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (!Array.isArray(expected)) return typeof actual === 'object' && actual !== null && matchesPattern(expected, actual);
    return expected.some((option: unknown) =>
      typeof option === 'object' && option !== null && 'anything-but' in option
        ? actual !== undefined && ![(option as Json)['anything-but']].flat().includes(actual)
        : option === actual,
    );
  });

const readSample = (file: string): Json =>
  JSON.parse(readFileSync(new URL(`../../events/${file}`, import.meta.url), 'utf8')) as Json;

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every string inside a value (ARNs built with Fn::Join included). */
const stringsIn = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
};

/** What a finished child process said. */
interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: Error;
}

/** Runs a command to its end; resolves (never rejects) with what it said. */
const runToEnd = (command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Finished> =>
  new Promise((resolve) => {
    const child = spawn(command, args, env ? { env } : {});
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (error) => resolve({ status: null, stdout, stderr, error }));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });

/** cfn-lint on a template file. */
const lint = (file: string): Promise<Finished> => runToEnd('cfn-lint', ['-i', 'W3005', '--', file]);

/** A fresh Node process. */
const runNode = (args: readonly string[], env: NodeJS.ProcessEnv): Promise<Finished> => runToEnd(process.execPath, args, env);

describe('Stack: CampaignOpsStack', () => {
  let app: App;
  let stack: CampaignOpsStack;
  let template: Template;
  let outdir: string;
  /** cfn-lint on the synthesized template, started as soon as there is one and awaited by its test. */
  let linted: Promise<Finished>;

  const logicalId = (path: string): string => {
    const construct = stack.node.findChild(path.split('/')[0]!);
    const target = path.split('/').slice(1).reduce((node, id) => node.node.findChild(id), construct);
    return stack.getLogicalId((target.node.defaultChild ?? target) as CfnResource);
  };
  const functionId = (name: 'Pause' | 'Resume' | 'Populate'): string => logicalId(`${name}/Function`);
  const roleId = (name: 'Pause' | 'Resume' | 'Populate'): string => logicalId(`${name}/Role`);
  const statementsOfRole = (id: string): Json[] =>
    Object.values(template.findResources('AWS::IAM::Policy') as Resources)
      .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: id }]))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[]);
  /** The resources (as JSON) a role is granted `action` on. */
  const grantedOn = (role: string, action: string): string[] =>
    statementsOfRole(role)
      .filter((statement) => asList(statement.Action).includes(action))
      .flatMap((statement) => asList(statement.Resource).map((resource) => JSON.stringify(resource)));

  beforeAll(() => {
    // Prepare (shared): the stack is bundled and synthesized once for the whole file, with cdk-nag on.
    outdir = mkdtempSync(join(tmpdir(), 'campaign-ops-cdk-'));
    ({ app, stack } = createApp(testConfig, { outdir }));
    template = Template.fromStack(stack);
    // cfn-lint is a process of its own: it reads the template while the other tests run.
    linted = lint(join(outdir, stack.templateFile));
  }, 60_000);

  describe('schedules', () => {
    it('creates one schedule per window edge in the window time zone, sending the request contract, with retries and a DLQ', () => {
      // Prepare
      const deadLetters = logicalId('ScheduleDeadLetters');

      // Act
      const schedules = template.findResources('AWS::Scheduler::Schedule');

      // Assess
      expect(Object.keys(schedules)).toHaveLength(testConfig.windows.length * 2);
      for (const edge of EDGES) {
        const input = new Capture();
        template.hasResourceProperties('AWS::Scheduler::Schedule', {
          Description: Match.stringLikeRegexp(`${edge.action} window "${edge.window}"`),
          ScheduleExpression: edge.expression,
          ScheduleExpressionTimezone: edge.timeZone,
          State: edge.state,
          FlexibleTimeWindow: edge.flexible,
          Target: {
            Arn: { 'Fn::GetAtt': [functionId(edge.action === 'pause' ? 'Pause' : 'Resume'), 'Arn'] },
            RoleArn: Match.anyValue(),
            Input: input,
            RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 10 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLetters, 'Arn'] } },
          },
        });
        const request = JSON.parse(input.asString()) as Json;
        // The scheduled time rides with the request, so a late delivery knows it is late.
        expect(request).toEqual({ ...expectedRequest(edge.window, edge.action), at: '<aws.scheduler.scheduled-time>' });
        const delivered = { ...request, at: '2026-11-30T22:00:00Z' };
        expect(parseWindowRequest(delivered, edge.action, VENDORS)).toMatchObject({ action: edge.action, window: edge.window, dryRun: false, at: '2026-11-30T22:00:00.000Z' });
      }
    });

    it('puts every schedule in its own schedule group, invoked by a role that may invoke only the target function', () => {
      // Prepare
      const functions = [functionId('Pause'), functionId('Resume')];

      // Act
      const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule') as Resources);
      const roles = [...new Set(schedules.map((schedule) => schedule.Properties.Target.RoleArn['Fn::GetAtt'][0] as string))];

      // Assess
      template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
      const group = template.findResources('AWS::Scheduler::ScheduleGroup')[logicalId('Schedules')]!;
      for (const schedule of Object.values(template.findResources('AWS::Scheduler::Schedule'))) {
        expect(schedule.Properties.GroupName).toBe(group.Properties.Name);
        expect(schedule.DependsOn).toContain(logicalId('Schedules'));
      }
      expect(roles).toHaveLength(2);
      for (const role of roles) {
        const invoked = grantedOn(role, 'lambda:InvokeFunction');
        expect(invoked).toHaveLength(1);
        expect(functions.map((id) => JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }))).toContain(invoked[0]);
        template.hasResourceProperties('AWS::IAM::Role', {
          AssumeRolePolicyDocument: {
            Statement: [Match.objectLike({
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: { StringEquals: Match.objectLike({ 'aws:SourceAccount': Match.anyValue() }) },
            })],
          },
        });
      }
    });

    it('disables every schedule and window rule when the kill switch is on, leaving explicit requests working', () => {
      // Prepare
      const { stack: killed } = createApp(
        { ...testConfig, killSwitch: true },
        { outdir: mkdtempSync(join(tmpdir(), 'campaign-ops-kill-')), context: WITHOUT_BUNDLING },
      );

      // Act
      const killedTemplate = Template.fromStack(killed);
      const schedules = Object.values(killedTemplate.findResources('AWS::Scheduler::Schedule') as Resources);
      const rules = Object.values(killedTemplate.findResources('AWS::Events::Rule') as Resources);
      const windowRules = rules.filter((rule) => rule.Properties.EventPattern.detail?.window);
      const requestRules = rules.filter((rule) => !rule.Properties.EventPattern.detail);

      // Assess
      expect(schedules).toHaveLength(testConfig.windows.length * 2);
      expect(schedules.map((schedule) => schedule.Properties.State)).toEqual(schedules.map(() => 'DISABLED'));
      expect(windowRules).toHaveLength(testConfig.windows.length * 2);
      expect(windowRules.map((rule) => rule.Properties.State)).toEqual(windowRules.map(() => 'DISABLED'));
      expect(requestRules.map((rule) => rule.Properties.State)).toEqual(['ENABLED', 'ENABLED', 'ENABLED']);
    });
  });

  describe('event rules', () => {
    it('starts a window on "Maintenance Started" / "Maintenance Finished" with its window name, sending its request', () => {
      // Prepare
      const deadLetters = logicalId('RuleDeadLetters');

      for (const window of testConfig.windows) {
        for (const [detailType, action, fn] of [
          [EVENTS.maintenanceStarted, 'pause', 'Pause'],
          [EVENTS.maintenanceFinished, 'resume', 'Resume'],
        ] as const) {
          // Act
          const input = new Capture();
          template.hasResourceProperties('AWS::Events::Rule', {
            EventBusName: { Ref: logicalId('Bus') },
            EventPattern: { source: ANYTHING_BUT_OURS, 'detail-type': [detailType], detail: { window: [window.name] } },
            State: window.enabled ? 'ENABLED' : 'DISABLED',
            Targets: [Match.objectLike({
              Arn: { 'Fn::GetAtt': [functionId(fn), 'Arn'] },
              InputTransformer: { InputPathsMap: { time: '$.time' }, InputTemplate: input },
              RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 10 },
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLetters, 'Arn'] } },
            })],
          });

          // Assess: the event's time rides with the request, as "at"
          const delivered = input.asString().replace('<time>', '"2026-11-30T22:00:00Z"');
          expect(JSON.parse(delivered)).toEqual({ ...expectedRequest(window.name, action), at: '2026-11-30T22:00:00Z' });
        }
      }
    });

    it('runs pause, resume and populate on "* Requested" events, passing the event as it is', () => {
      for (const [detailType, fn] of [
        [EVENTS.pauseRequested, 'Pause'],
        [EVENTS.resumeRequested, 'Resume'],
        [EVENTS.populateRequested, 'Populate'],
      ] as const) {
        // Act / Assess
        template.hasResourceProperties('AWS::Events::Rule', {
          EventBusName: { Ref: logicalId('Bus') },
          EventPattern: { source: ANYTHING_BUT_OURS, 'detail-type': [detailType] },
          State: 'ENABLED',
          Targets: [Match.objectLike({
            Arn: { 'Fn::GetAtt': [functionId(fn), 'Arn'] },
            Input: Match.absent(),
            InputPath: Match.absent(),
            InputTransformer: Match.absent(),
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId('RuleDeadLetters'), 'Arn'] } },
          })],
        });
      }
      template.resourceCountIs('AWS::Events::Rule', testConfig.windows.length * 2 + 3);
    });

    it('matches the documented sample events to exactly their rule, and never our own result events', () => {
      // Prepare
      const rules = Object.entries(template.findResources('AWS::Events::Rule') as Resources);
      const started = readSample('eventbridge-maintenance-started.json');
      const finished = readSample('eventbridge-maintenance-finished.json');
      const requested = readSample('eventbridge-pause-requested.json');
      const ours = { ...requested, source: EVENTS.source };
      const ruleFor = (event: Json): string[] =>
        rules.filter(([, rule]) => matchesPattern(rule.Properties.EventPattern, event)).map(([id]) => id);

      // Act
      const matched = { started: ruleFor(started), finished: ruleFor(finished), requested: ruleFor(requested), ours: ruleFor(ours) };

      // Assess
      expect(matched.started).toEqual([logicalId('Window-nightly/MaintenanceStartedRule')]);
      expect(matched.finished).toEqual([logicalId('Window-nightly/MaintenanceFinishedRule')]);
      expect(matched.requested).toEqual([logicalId('PauseRequested')]);
      expect(matched.ours).toEqual([]);
      expect(parseWindowRequest(requested, 'pause', VENDORS)).toMatchObject({ provider: 'deltadna', window: 'nightly', dryRun: true });
    });
  });

  describe('functions', () => {
    it('bundles pause, resume and populate on arm64 with a current Node runtime, source maps and the shared settings', () => {
      // Act
      const functions = template.findResources('AWS::Lambda::Function') as Resources;

      // Assess
      expect(Object.keys(functions).sort()).toEqual([functionId('Pause'), functionId('Populate'), functionId('Resume')].sort());
      for (const [id, fn] of Object.entries(functions)) {
        expect(fn.Properties.Architectures).toEqual(['arm64']);
        expect(fn.Properties.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
        expect(fn.Properties.Timeout).toBe(900);
        expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: expect.any(String) });
        expect(fn.Properties.Environment.Variables).toEqual({
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: METRICS.service,
          POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
          [ENVIRONMENT.windowTable]: { Ref: logicalId('WindowState') },
          [ENVIRONMENT.eventBus]: { Ref: logicalId('Bus') },
          [ENVIRONMENT.tokenCachePrefix]: TOKEN_CACHE_PREFIX_DEFAULT,
        });
        const bundle = join(outdir, `asset.${(fn.Properties.Code.S3Key as string).replace(/\.zip$/, '')}`);
        expect(readFileSync(join(bundle, 'index.mjs'), 'utf8'), id).toMatch(/^import \{ createRequire \}/);
        expect(existsSync(join(bundle, 'index.mjs.map')), id).toBe(true);
      }
      template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', MemorySize: 1024, Role: { 'Fn::GetAtt': [roleId('Populate'), 'Arn'] } });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    });

    it('ships bundles that load on their own and refuse an invalid request before touching anything', async () => {
      // Prepare
      const functions = Object.values(template.findResources('AWS::Lambda::Function') as Resources);
      const bundles = functions.map((fn) => join(outdir, `asset.${(fn.Properties.Code.S3Key as string).replace(/\.zip$/, '')}`, 'index.mjs'));
      const script = `const { handler } = await import(process.argv[1]);
        try { await handler({ provider: 'nope' }); console.log('returned'); } catch (e) { console.log(e.name + ': ' + e.message); }`;

      // The AWS SDK is left out of the bundles (Lambda's runtime has it): run them where node_modules is found.
      const cache = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
      mkdirSync(cache, { recursive: true });
      const runDir = mkdtempSync(join(cache, 'bundles-'));

      // Act: each in a fresh Node process, as Lambda starts one; the three side by side.
      const runs = await Promise.all(
        bundles.map((bundle, index) => {
          const copy = join(runDir, `handler-${index}.mjs`);
          copyFileSync(bundle, copy);
          return runNode(['--input-type=module', '-e', script, copy], { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
        }),
      );

      // Assess
      expect(runs).toHaveLength(3);
      for (const run of runs) {
        expect(run.status, run.stderr).toBe(0);
        expect(run.stdout).toMatch(/^InvalidRequestError: invalid request: provider: must be/m);
      }
      rmSync(runDir, { recursive: true, force: true });
    }, 60_000);

    it('retries a failed run and then parks it in the function FailedRuns queue', () => {
      for (const fn of ['Pause', 'Resume', 'Populate'] as const) {
        // Act / Assess
        template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: functionId(fn) },
          MaximumRetryAttempts: 2,
          MaximumEventAgeInSeconds: 7200,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(`${fn}FailedRuns`), 'Arn'] } } },
        });
      }
    });

    it('does not use reserved concurrency (runs on one account are kept apart by a lease in the table)', () => {
      // Act
      const functions = Object.values(template.findResources('AWS::Lambda::Function') as Resources);

      // Assess
      for (const fn of functions) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    });
  });

  describe('least privilege', () => {
    it('has no wildcard action, no wildcard resource and no managed policy anywhere', () => {
      // Act
      const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources);
      const roles = Object.values(template.findResources('AWS::IAM::Role') as Resources);
      const statements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[]);

      // Assess
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        for (const action of asList(statement.Action as string | string[])) expect(action).not.toContain('*');
        // The one wildcard allowed: object keys inside a configured recipients bucket.
        for (const text of stringsIn(statement.Resource)) {
          expect(text.replace(':s3:::campaign-ops-recipients/*', ''), JSON.stringify(statement)).not.toContain('*');
        }
      }
      for (const role of roles) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        expect(role.Properties.Policies).toBeUndefined();
      }
    });

    it('lets populate alone read objects of the configured recipient buckets, and nothing else of S3', () => {
      // Act
      const policies = Object.entries(template.findResources('AWS::IAM::Policy') as Resources);
      const s3Statements = policies.flatMap(([, policy]) =>
        (policy.Properties.PolicyDocument.Statement as Json[])
          .filter((statement) => asList(statement.Action as string | string[]).some((action) => action.startsWith('s3:')))
          .map((statement) => ({ roles: JSON.stringify(policy.Properties.Roles), statement })),
      );

      // Assess
      expect(s3Statements).toHaveLength(1);
      expect(s3Statements[0]!.roles).toContain(logicalId('Populate/Role'));
      expect(s3Statements[0]!.statement.Action).toBe('s3:GetObject');
      expect(JSON.stringify(s3Statements[0]!.statement.Resource)).toContain(':s3:::campaign-ops-recipients/*');
    });

    it('gives each function its own role with only its own secrets, the table and the bus', () => {
      // Prepare
      const deltadna = JSON.stringify({ Ref: logicalId('Credentials-campaign-ops-deltaslot-live') });
      const tokenCache = JSON.stringify({ Ref: logicalId('TokenCache-campaign-ops-deltaslot-live') });
      const kahuna = JSON.stringify({ Ref: logicalId('Credentials-campaign-ops-kahuna-prod') });
      const ocamba = /secret:campaign-ops\/hood-\?{6}"/;
      const table = JSON.stringify({ 'Fn::GetAtt': [logicalId('WindowState'), 'Arn'] });
      const bus = JSON.stringify({ 'Fn::GetAtt': [logicalId('Bus'), 'Arn'] });

      // Act
      const [pause, resume, populate] = (['Pause', 'Resume', 'Populate'] as const).map(roleId);

      // Assess
      expect(new Set([pause, resume, populate]).size).toBe(3);
      for (const role of [pause!, resume!]) {
        const readable = grantedOn(role, 'secretsmanager:GetSecretValue');
        expect(readable).toHaveLength(3);
        expect(readable).toEqual(expect.arrayContaining([deltadna, tokenCache, expect.stringMatching(ocamba)]));
        expect(grantedOn(role, 'secretsmanager:PutSecretValue')).toEqual([tokenCache]);
      }
      expect(grantedOn(populate!, 'secretsmanager:GetSecretValue')).toEqual([kahuna]);
      expect(grantedOn(populate!, 'secretsmanager:PutSecretValue')).toEqual([]);
      for (const role of [pause!, resume!, populate!]) {
        expect(grantedOn(role, 'events:PutEvents')).toEqual([bus]);
        expect(grantedOn(role, 'dynamodb:PutItem')).toEqual([table]);
        expect(grantedOn(role, 'logs:PutLogEvents')).toHaveLength(1);
      }
    });

    it('lets populate touch only the Kahuna account leases in the table: no scan, no query, no batch, no window entry', () => {
      // Prepare
      const table = { 'Fn::GetAtt': [logicalId('WindowState'), 'Arn'] };

      // Act
      const dynamo = statementsOfRole(roleId('Populate')).filter((statement) =>
        asList(statement.Action as string | string[]).some((action) => action.startsWith('dynamodb:')),
      );

      // Assess: a lease is taken and renewed with a conditional put, and given back with a conditional delete.
      expect(dynamo).toHaveLength(1);
      expect([...asList(dynamo[0]!.Action as string | string[])].sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem']);
      expect(dynamo[0]!.Resource).toEqual(table);
      expect(dynamo[0]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['LOCK#kahuna#*'] } });
    });
  });

  describe('state and secrets', () => {
    it('keeps window state in a retained, encrypted, point-in-time-recoverable table with a TTL', () => {
      // Act / Assess
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        },
      });
    });

    it('creates the credential secrets asked for, references the others, and creates a token cache per deltaDNA account', () => {
      // Act / Assess
      template.resourceCountIs('AWS::SecretsManager::Secret', 3);
      template.hasResource('AWS::SecretsManager::Secret', {
        DeletionPolicy: 'Retain',
        Properties: { Name: 'campaign-ops/deltaslot-live', SecretString: JSON.stringify({ key: '', password: '' }) },
      });
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: 'campaign-ops/kahuna-prod',
        SecretString: JSON.stringify({ secretKey: '', apiKey: '' }),
      });
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: `${TOKEN_CACHE_PREFIX_DEFAULT}campaign-ops/deltaslot-live`,
        SecretString: JSON.stringify({ token: '', expiresAt: '1970-01-01T00:00:00Z' }),
      });
    });

    it('encrypts every queue and refuses requests without TLS', () => {
      // Act
      const queues = template.findResources('AWS::SQS::Queue') as Resources;
      const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy') as Resources);

      // Assess
      expect(Object.keys(queues)).toHaveLength(5);
      for (const [id, queue] of Object.entries(queues)) {
        expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
        const policy = policies.find((p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: id }]));
        expect(policy?.Properties.PolicyDocument.Statement, id).toEqual(
          expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        );
      }
    });
  });

  describe('alarms', () => {
    it('alarms on failed and rejected campaigns, failed runs and unpublished results, from the handlers metrics', () => {
      for (const metricName of [METRICS.campaignsFailed, METRICS.campaignsRejected, METRICS.runsFailed, METRICS.resultsUnpublished]) {
        // Act / Assess
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: METRICS.namespace,
          MetricName: metricName,
          Dimensions: [{ Name: 'service', Value: METRICS.service }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          EvaluationPeriods: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [{ Ref: logicalId('Alarms') }],
        });
      }
    });

    it('alarms on every dead-letter queue with a message and on every function error', () => {
      // Prepare
      const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
      const functions = (['Pause', 'Resume', 'Populate'] as const).map(functionId);

      // Act
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm') as Resources);

      // Assess
      expect(alarms).toHaveLength(4 + queues.length + functions.length);
      for (const alarm of alarms) {
        expect(alarm.Properties).toMatchObject({ TreatMissingData: 'notBreaching', Threshold: 1, AlarmActions: [{ Ref: logicalId('Alarms') }] });
      }
      for (const queue of queues) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
      for (const fn of functions) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }],
          Statistic: 'Sum',
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    });

    it('sends alarms to one TLS-only topic with the configured email subscription', () => {
      // Act / Assess
      template.resourceCountIs('AWS::SNS::Topic', 1);
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: testConfig.alarmEmail, TopicArn: { Ref: logicalId('Alarms') } });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    });
  });

  it('outputs the bus, the table, the function names and the alarm topic', () => {
    // Act / Assess
    template.hasOutput('EventBusName', { Value: { Ref: logicalId('Bus') } });
    template.hasOutput('WindowTableName', { Value: { Ref: logicalId('WindowState') } });
    template.hasOutput('PauseFunctionName', { Value: { Ref: functionId('Pause') } });
    template.hasOutput('ResumeFunctionName', { Value: { Ref: functionId('Resume') } });
    template.hasOutput('PopulateFunctionName', { Value: { Ref: functionId('Populate') } });
    template.hasOutput('AlarmTopicArn', { Value: { Ref: logicalId('Alarms') } });
  });

  describe('checks', () => {
    it('passes cdk-nag AwsSolutions with no unacknowledged finding, each acknowledgement with a reason', () => {
      // Act
      const synth = (): unknown => app.synth();

      // Assess
      expect(synth).not.toThrow();
      const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Json;
      const nag = (report.pluginReports as Json[]).find((plugin) => plugin.pluginName === 'AwsSolutions')!;
      expect(nag.violations).toEqual([]);
      expect(new Set((nag.suppressedViolations as Json[]).map((s) => s.acknowledgedId))).toEqual(
        new Set([
          'AwsSolutions::AwsSolutions-SQS3',
          'AwsSolutions::AwsSolutions-SMG4',
          'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::campaign-ops-recipients/*]',
        ]),
      );
      for (const acknowledged of nag.suppressedViolations as Json[]) expect(acknowledged.reason.length).toBeGreaterThan(40);
    });

    it('passes cfn-lint', async () => {
      // Act (started in beforeAll, once the template was written)
      const lint = await linted;

      // Assess
      if ((lint.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
        throw new Error('cfn-lint IS MISSING: it is not on PATH, so the template was not linted. Install it (pip install cfn-lint) and rerun.');
      }
      expect(lint.error).toBeUndefined();
      expect(lint.status, `cfn-lint found problems:\n${lint.stdout}${lint.stderr}`).toBe(0);
    }, 60_000);
  });
});
