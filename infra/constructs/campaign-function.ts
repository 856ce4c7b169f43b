/**
 * Every campaign-ops Lambda, with its defaults fixed in one place: arm64, the newest Node runtime this
 * aws-cdk-lib knows, an ESM bundle minified by esbuild with source maps, the AWS SDK taken from the runtime,
 * an explicit log group with retention, and a role of its own that can write only to that log group
 * (grants for secrets, table and bus are added by the stack, per function).
 */
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENVIRONMENT, METRICS, TOKEN_CACHE_PREFIX_DEFAULT } from '../../functions/settings.js';

/** The Lambda entry points in functions/, each `export const handler`. */
const HANDLERS = ['pause', 'resume', 'populate'] as const;
type HandlerName = (typeof HANDLERS)[number];

interface CampaignFunctionProps {
  /** functions/<handler>.ts is bundled. */
  readonly handler: HandlerName;
  readonly description: string;
  /** Chosen from the vendor's limits by the caller; say why where it is set. */
  readonly timeout: Duration;
  /** Chosen from the vendor's limits by the caller; say why where it is set. */
  readonly memorySize: number;
  /** Where results are published (EVENT_BUS_NAME). */
  readonly eventBusName: string;
  /** Window state and account leases (WINDOW_TABLE_NAME). */
  readonly windowTableName: string;
  /** @default three months */
  readonly logRetention?: logs.RetentionDays;
  /** X-Ray active tracing. @default false */
  readonly tracing?: boolean;
}

const RUNTIME = lambda.Runtime.NODEJS_24_X;
// A few bundled packages are CommonJS and call require(); an ESM bundle has no require of its own.
const REQUIRE_SHIM = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";
const LOCK_FILE = fileURLToPath(new URL('../../package-lock.json', import.meta.url));

const entryOf = (handler: HandlerName): string => fileURLToPath(new URL(`../../functions/${handler}.ts`, import.meta.url));

class CampaignFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: CampaignFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      // Logs are the per-campaign record of what a run did: keep them if the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Our own role instead of the default one with AWSLambdaBasicExecutionRole (logs:* on every group).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `campaign-ops ${props.handler}: its own log group, secrets, table and bus only`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: entryOf(props.handler),
      handler: 'handler',
      description: props.description,
      runtime: RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      depsLockFilePath: LOCK_FILE,
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The Node runtime ships AWS SDK v3: smaller bundles, faster cold starts.
        externalModules: ['@aws-sdk/*'],
      },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: METRICS.service,
        POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
        [ENVIRONMENT.windowTable]: props.windowTableName,
        [ENVIRONMENT.eventBus]: props.eventBusName,
        [ENVIRONMENT.tokenCachePrefix]: TOKEN_CACHE_PREFIX_DEFAULT,
      },
    });

    if (props.tracing) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions: AWS requires "*".',
      });
    }
  }
}

export { CampaignFunction };
export type { CampaignFunctionProps, HandlerName };
