/**
 * Everything campaign-ops needs in one stack: the pause/resume/populate functions, a schedule per window
 * edge (in the window's time zone), event rules on our own bus, the window state table, the vendor
 * credentials and token caches, and alarms that page a person through one SNS topic.
 *
 * No two runs against one vendor account at once (the vendors' limits are per account): each handler
 * takes a lease on its account in the state table (a conditional write keyed by the account's secret)
 * before it calls the vendor, and releases it when done. Not reserved concurrency: that would also
 * serialize unrelated accounts, and throttled events would queue behind each other's 15-minute runs.
 */
import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, TimeZone, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { leasePk } from '../functions/adapters/aws/dynamodb-window-store.js';
import type { WindowAction } from '../functions/core/request.js';
import { VendorCapability, type VendorRegistry } from '../functions/core/vendor.js';
import { VENDORS } from '../functions/providers/index.js';
import { EVENTS, METRICS, TOKEN_CACHE_PREFIX_DEFAULT } from '../functions/settings.js';
import { CampaignFunction, type HandlerName } from './constructs/campaign-function.js';
import type { AccountConfig, CampaignOpsConfig, WindowEdge, WindowPlan } from './config/types.js';
import { validateConfig } from './config/validate.js';

interface CampaignOpsStackProps extends StackProps {
  /** The operator's window configuration (infra/windows.ts); validated here, before anything is built. */
  readonly config: CampaignOpsConfig;
  /** The vendors this build knows (functions/providers/index.ts). */
  readonly vendors?: VendorRegistry;
}

/**
 * Delivery of a trigger (Scheduler or a rule invoking the function asynchronously) is retried for up to two
 * hours, then parked in a dead-letter queue that alarms. A window edge two hours late is still wanted (a
 * late resume most of all); later than that a person should decide. Runs are idempotent, so a duplicate
 * delivery is harmless.
 */
const DELIVERY = { maxEventAge: Duration.hours(2), retryAttempts: 10 } as const;
/** Lambda's own retries of a run that threw (campaigns failed): the maximum, 2, at about 1 and 2 minutes. */
const RUN_RETRIES = 2;
const ALARM_PERIOD = Duration.minutes(5);

/** Per action, the ids of its schedule and rule (its function is `functions[action]`): a new action does not compile until it has them. */
const EDGE_IDS: Readonly<Record<WindowAction, { readonly schedule: string; readonly rule: string }>> = {
  pause: { schedule: 'PauseSchedule', rule: 'MaintenanceStartedRule' },
  resume: { schedule: 'ResumeSchedule', rule: 'MaintenanceFinishedRule' },
};

/** What a token cache holds until the first run logs in: an already expired, empty token. */
const EMPTY_TOKEN = { token: '', expiresAt: '1970-01-01T00:00:00Z' };

/** A construct id from a secret name ("campaign-ops/hood" → "campaign-ops-hood"): ids cannot hold "/". */
const idOf = (name: string): string => name.replace(/[^A-Za-z0-9-]+/g, '-');

/**
 * Scheduler's LambdaInvoke, granting lambda:InvokeFunction on the function's ARN only: the stock target
 * also grants `<arn>:*` (every version and alias), which these schedules never invoke.
 */
class InvokeFunction extends LambdaInvoke {
  protected override addTargetActionToRole(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.targetArn] }));
  }
}

class CampaignOpsStack extends Stack {
  readonly windowTable: dynamodb.Table;
  readonly eventBus: events.EventBus;
  readonly functions: Readonly<Record<HandlerName, CampaignFunction>>;
  readonly alarmTopic: sns.Topic;
  readonly #vendors: VendorRegistry;

  constructor(scope: Construct, id: string, props: CampaignOpsStackProps) {
    super(scope, id, { description: 'campaign-ops: pause, resume and populate vendor campaigns on windows and events', ...props });
    this.#vendors = props.vendors ?? VENDORS;
    const config = validateConfig(props.config, this.#vendors);

    // ---- state and bus ------------------------------------------------------------------------------
    this.windowTable = new dynamodb.Table(this, 'WindowState', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Finished windows and released leases expire on their own.
      timeToLiveAttribute: 'expiresAt',
      // What a window paused is the only record of what to resume: never delete it with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.eventBus = new events.EventBus(this, 'Bus', {
      description: 'campaign-ops: Maintenance Started/Finished and * Requested events start runs; run results are published here',
    });

    // ---- alarms topic and dead-letter queues --------------------------------------------------------
    // Not KMS-encrypted: CloudWatch cannot publish to a topic under the AWS-managed SNS key, and an alarm
    // message holds alarm and metric names only, never a credential or campaign data.
    this.alarmTopic = new sns.Topic(this, 'Alarms', {
      displayName: 'campaign-ops alarms',
      enforceSSL: true,
    });
    if (config.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    const notify = new cloudwatchActions.SnsAction(this.alarmTopic);

    const deadLetterQueues: { queue: sqs.Queue; what: string }[] = [];
    const deadLetterQueue = (queueId: string, what: string): sqs.Queue => {
      const queue = new sqs.Queue(this, queueId, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SQS3',
        reason: `This queue is itself a dead-letter queue (${what}); a DLQ behind it would only move the message, and its depth alarm already calls a person.`,
      });
      deadLetterQueues.push({ queue, what });
      return queue;
    };
    const scheduleDeadLetters = deadLetterQueue('ScheduleDeadLetters', 'EventBridge Scheduler could not invoke a function');
    const ruleDeadLetters = deadLetterQueue('RuleDeadLetters', 'an event rule could not invoke a function');

    // ---- functions ----------------------------------------------------------------------------------
    const common = { eventBusName: this.eventBus.eventBusName, windowTableName: this.windowTable.tableName };
    // Timeouts: Ocamba allows 150 requests a minute per account, so a 15-minute run (Lambda's maximum)
    // changes about 2,000 campaigns after listing them; deltaDNA runs are bounded by our own concurrency
    // and finish well within that. Memory: pause/resume hold one account's campaign list and a few
    // requests in flight (256 MB is ample). Populate keeps up to 10 Kahuna requests in flight, each body
    // just under 10 MB, serialized while the recipient list is still in memory: 1 GB leaves headroom for
    // ~100 MB of bodies plus their strings, and buys the CPU to validate and serialize quickly.
    const pause = new CampaignFunction(this, 'Pause', {
      ...common,
      handler: 'pause',
      description: 'campaign-ops: pause the campaigns a window selects, remembering what it paused',
      timeout: Duration.minutes(15),
      memorySize: 256,
    });
    const resume = new CampaignFunction(this, 'Resume', {
      ...common,
      handler: 'resume',
      description: 'campaign-ops: resume what a window paused, and nothing else',
      timeout: Duration.minutes(15),
      memorySize: 256,
    });
    const populate = new CampaignFunction(this, 'Populate', {
      ...common,
      handler: 'populate',
      description: 'campaign-ops: add recipients to a Kahuna adaptive campaign and track each job to DONE',
      timeout: Duration.minutes(15),
      memorySize: 1024,
    });
    this.functions = { pause, resume, populate };

    for (const [name, fn] of Object.entries(this.functions)) {
      const failed = deadLetterQueue(`${fn.node.id}FailedRuns`, `${name} runs that still failed after Lambda's retries`);
      fn.function.configureAsyncInvoke({
        retryAttempts: RUN_RETRIES,
        maxEventAge: DELIVERY.maxEventAge,
        onFailure: new destinations.SqsDestination(failed),
      });
      // Every function publishes its result on the bus.
      this.eventBus.grantPutEventsTo(fn.role);
    }
    // Pause and resume keep window state and take their account lease in the table.
    this.windowTable.grantReadWriteData(pause.role);
    this.windowTable.grantReadWriteData(resume.role);
    // Populate only takes its accounts' leases (Kahuna's limit of 10 requests in flight is per account):
    // a conditional put to take and renew one, a conditional delete to give it back, on lease items only.
    const populateLeases = this.#vendors.names(VendorCapability.populate).map((name) => `${leasePk({ provider: name, account: '' })}*`);
    populate.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [this.windowTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': populateLeases } },
      }),
    );

    // Populate streams recipient files from the configured buckets only, object reads and nothing else.
    for (const bucket of config.recipientBuckets) {
      populate.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${this.partition}:s3:::${bucket}/*`] }),
      );
      Validations.of(populate.role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucket}/*]`,
        reason: `populate reads recipient files the operator names at run time; object keys are not known at deploy time, and the grant is GetObject in bucket ${bucket} only`,
      });
    }

    // ---- secrets: each role reads only its own vendors' accounts ---------------------------------------
    for (const account of config.accounts) {
      const credentials = this.credentialsSecret(account);
      const vendor = this.#vendorOf(account);
      if (vendor.capability === VendorCapability.populate) {
        credentials.grantRead(populate.role);
        continue;
      }
      credentials.grantRead(pause.role);
      credentials.grantRead(resume.role);
      if (vendor.cachesToken) {
        const tokenCache = this.tokenCacheSecret(account);
        for (const role of [pause.role, resume.role]) {
          tokenCache.grantRead(role);
          tokenCache.grantWrite(role);
        }
      }
    }

    // ---- windows: a schedule per edge, and Maintenance Started/Finished rules ---------------------------
    const scheduleGroup = new ScheduleGroup(this, 'Schedules', {});
    const functionFor = (edge: WindowEdge): lambda.IFunction => this.functions[edge.action].function;
    for (const window of config.windows) {
      const scope = new Construct(this, `Window-${window.name}`);
      for (const edge of [window.pause, window.resume]) {
        this.windowSchedule(scope, window, edge, functionFor(edge), scheduleGroup, scheduleDeadLetters);
      }
      this.windowRule(scope, window, window.pause, EVENTS.maintenanceStarted, functionFor(window.pause), ruleDeadLetters);
      this.windowRule(scope, window, window.resume, EVENTS.maintenanceFinished, functionFor(window.resume), ruleDeadLetters);
    }

    // ---- requests on the bus: detail is a request, passed on as the whole event ---------------------------
    const requested: [string, string, CampaignFunction][] = [
      ['PauseRequested', EVENTS.pauseRequested, pause],
      ['ResumeRequested', EVENTS.resumeRequested, resume],
      ['PopulateRequested', EVENTS.populateRequested, populate],
    ];
    for (const [ruleId, detailType, fn] of requested) {
      new events.Rule(this, ruleId, {
        eventBus: this.eventBus,
        description: `campaign-ops: "${detailType}" events run ${fn.node.id.toLowerCase()} with the request in detail`,
        eventPattern: { source: notOurOwn(), detailType: [detailType] },
        targets: [new eventTargets.LambdaFunction(fn.function, { ...DELIVERY, deadLetterQueue: ruleDeadLetters })],
      });
    }

    // ---- alarms: one per condition ------------------------------------------------------------------------
    const alarm = (alarmId: string, metric: cloudwatch.Metric, description: string): void => {
      metric
        .createAlarm(this, alarmId, {
          alarmDescription: description,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(notify);
    };
    const runMetric = (metricName: string): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: METRICS.namespace,
        metricName,
        dimensionsMap: { service: METRICS.service },
        statistic: cloudwatch.Stats.SUM,
        period: ALARM_PERIOD,
      });
    alarm(
      'CampaignsFailedAlarm',
      runMetric(METRICS.campaignsFailed),
      'Campaigns failed (vendor errors after retries): check the result or Run Failed event and the function logs.',
    );
    alarm(
      'CampaignsRejectedAlarm',
      runMetric(METRICS.campaignsRejected),
      'A vendor refused to change campaigns for a permanent reason: see the rejected campaigns\' detail in the result event.',
    );
    alarm(
      'RunsFailedAlarm',
      runMetric(METRICS.runsFailed),
      'A run failed as a whole (invalid request, credentials, vendor unreachable): see the Run Failed event.',
    );
    alarm(
      'ResultsUnpublishedAlarm',
      runMetric(METRICS.resultsUnpublished),
      'A populate result could not be put on the bus (the run went on and was not retried): its result is in the function logs.',
    );
    for (const { queue, what } of deadLetterQueues) {
      alarm(
        `${queue.node.id}Alarm`,
        queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: ALARM_PERIOD }),
        `Messages in a dead-letter queue: ${what}. Each holds the request: run it again by hand, then delete it.`,
      );
    }
    for (const fn of Object.values(this.functions)) {
      alarm(
        `${fn.node.id}ErrorsAlarm`,
        fn.function.metricErrors({ statistic: cloudwatch.Stats.SUM, period: ALARM_PERIOD }),
        `The ${fn.node.id.toLowerCase()} function threw (Lambda retries twice, then parks the event in its FailedRuns queue).`,
      );
    }

    // ---- outputs --------------------------------------------------------------------------------------------
    new CfnOutput(this, 'EventBusName', {
      value: this.eventBus.eventBusName,
      description: 'Put Maintenance Started/Finished and * Requested events here',
    });
    new CfnOutput(this, 'WindowTableName', { value: this.windowTable.tableName });
    new CfnOutput(this, 'PauseFunctionName', { value: pause.function.functionName });
    new CfnOutput(this, 'ResumeFunctionName', { value: resume.function.functionName });
    new CfnOutput(this, 'PopulateFunctionName', { value: populate.function.functionName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  /** The registry's descriptor of an account's vendor (validated to exist). */
  #vendorOf(account: AccountConfig) {
    const vendor = this.#vendors.find(account.provider);
    if (!vendor) throw new Error(`account ${account.secret}: no vendor named ${account.provider}`);
    return vendor;
  }

  /** The account's credentials: created with empty fields when `createSecret`, otherwise referenced by name. */
  private credentialsSecret(account: AccountConfig): secretsmanager.ISecret {
    const secretId = `Credentials-${idOf(account.secret)}`;
    if (!account.createSecret) return secretsmanager.Secret.fromSecretNameV2(this, secretId, account.secret);
    const empty = Object.fromEntries(this.#vendorOf(account).credentials.fields.map((field) => [field, '']));
    const secret = new secretsmanager.Secret(this, secretId, {
      secretName: account.secret,
      description: `campaign-ops: ${account.provider} credentials (put-secret-value after deploying; see infra/README.md)`,
      // Only the first deploy writes this; CloudFormation leaves values put later alone while it is unchanged.
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(empty)),
      // Credentials outlive the stack; after deleting it, set createSecret: false to reuse them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: `Vendor API credentials (${account.provider}) are issued in the vendor's console; Secrets Manager has no way to rotate them.`,
    });
    return secret;
  }

  /** Where the functions cache the account's deltaDNA token: prefix + account secret name (settings.ts). */
  private tokenCacheSecret(account: AccountConfig): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, `TokenCache-${idOf(account.secret)}`, {
      secretName: `${TOKEN_CACHE_PREFIX_DEFAULT}${account.secret}`,
      description: `campaign-ops: cached deltaDNA token for ${account.secret}, refreshed by the functions before it expires`,
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(EMPTY_TOKEN)),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: 'Holds a short-lived vendor token that the functions refresh themselves before it expires; a rotation Lambda would duplicate that.',
    });
    return secret;
  }

  private windowSchedule(
    scope: Construct,
    window: WindowPlan,
    edge: WindowEdge,
    fn: lambda.IFunction,
    group: ScheduleGroup,
    deadLetters: sqs.IQueue,
  ): void {
    const schedule = new Schedule(scope, EDGE_IDS[edge.action].schedule, {
      description: `campaign-ops: ${edge.action} window "${window.name}" at ${edge.expression} ${window.timeZone}`,
      schedule: ScheduleExpression.expression(edge.expression, TimeZone.of(window.timeZone)),
      scheduleGroup: group,
      enabled: window.active,
      timeWindow: window.flexibleWindowMinutes ? TimeWindow.flexible(Duration.minutes(window.flexibleWindowMinutes)) : TimeWindow.off(),
      target: new InvokeFunction(fn, {
        // The scheduled time rides with the request: a delivery retried past the window's other edge is then
        // known to be late and skipped (README, "Late deliveries").
        input: ScheduleTargetInput.fromObject({ ...edge.request, at: ContextAttribute.scheduledTime }),
        deadLetterQueue: deadLetters,
        ...DELIVERY,
      }),
    });
    // The schedule names its group by a literal name, so CloudFormation would not order them by itself.
    schedule.node.addDependency(group);
  }

  private windowRule(
    scope: Construct,
    window: WindowPlan,
    edge: WindowEdge,
    detailType: string,
    fn: lambda.IFunction,
    deadLetters: sqs.IQueue,
  ): void {
    new events.Rule(scope, EDGE_IDS[edge.action].rule, {
      eventBus: this.eventBus,
      enabled: window.active,
      description: `campaign-ops: "${detailType}" for window "${window.name}" runs its ${edge.action}`,
      eventPattern: { source: notOurOwn(), detailType: [detailType], detail: { window: [window.name] } },
      targets: [
        new eventTargets.LambdaFunction(fn, {
          // The event's time is when the edge was meant to happen, as a schedule's scheduled time is.
          event: events.RuleTargetInput.fromObject({ ...edge.request, at: events.EventField.time }),
          deadLetterQueue: deadLetters,
          ...DELIVERY,
        }),
      ],
    });
  }
}

/** Our own result events share the bus: they must never start a run. */
const notOurOwn = (): string[] => events.Match.anythingBut(EVENTS.source);

export { CampaignOpsStack };
export type { CampaignOpsStackProps };
