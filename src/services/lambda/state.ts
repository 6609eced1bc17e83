// Lambda's state per account and region: functions ($LATEST and its settings), published
// versions, aliases. Code zips are blobs (core/blobs); records keep only the blob id.
import { defineState } from '../../core/state.js';

/** A function configuration as FunctionConfiguration reports it, plus the code's blob id. */
export interface FnConfig {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Role: string;
  Handler?: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  Environment?: { Variables: Record<string, string> };
  RevisionId: string;
  State: 'Active';
  LastUpdateStatus: 'Successful';
  PackageType: 'Zip';
  Architectures: string[];
  EphemeralStorage: { Size: number };
  TracingConfig: { Mode: string };
  LoggingConfig: { LogFormat: string; LogGroup: string };
  SnapStart: { ApplyOn: string; OptimizationStatus: string };
  /** Where discarded asynchronous events go (an SQS queue or SNS topic). */
  DeadLetterConfig?: { TargetArn: string };
  /** Layers as FunctionConfiguration lists them (ARN and zipped size). */
  Layers?: { Arn: string; CodeSize: number }[];
  /** Internal: the code zip's blob id (never sent to clients). */
  blobId: string;
  /** Internal: the code's unzipped size (for the 250 MB limit with layers). */
  unzipped?: number;
  /** Internal: the layers' zips, in order, for the instances' /opt. */
  layerBlobs?: { blobId: string; sha256: string }[];
}

export interface FnRec {
  name: string;
  latest: FnConfig;
  tags: Record<string, string>;
  reserved?: number;
  /** The next version number PublishVersion hands out. */
  nextVersion: number;
  recursiveLoop?: string;
  runtimeManagement?: { UpdateRuntimeOn: string; RuntimeVersionArn?: string };
  codeSigningConfigArn?: string;
}

/** Asynchronous invocation settings of a function, version or alias (keyed `name:qualifier`). */
export interface EventInvokeConfigRec {
  function: string;
  qualifier: string;
  FunctionArn: string;
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  /** Epoch milliseconds. */
  LastModified: number;
  DestinationConfig: { OnSuccess: { Destination?: string }; OnFailure: { Destination?: string } };
}

/** An event in a function's asynchronous queue (durable: it survives a restart). */
export interface AsyncEventRec {
  id: string;
  accountId: string;
  region: string;
  function: string;
  qualifier?: string;
  payload: string; // base64
  enqueuedAt: number;
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt is due (epoch ms). */
  dueAt: number;
  /** The last attempt's outcome, for the failure record. */
  last?: { functionError?: string; executedVersion: string; payload: string };
}

/** An event source mapping as the API shows it, plus its scope and internal fields. */
export interface EsmRec {
  UUID: string;
  accountId: string;
  region: string;
  function: string;
  qualifier?: string;
  kind: 'sqs' | 'dynamodb' | 'kinesis';
  config: Record<string, unknown>;
  /** Epoch milliseconds. */
  LastModified: number;
  State: string;
  StateTransitionReason: string;
  LastProcessingResult?: string;
}

export interface LayerVersionRec {
  LayerName: string;
  Version: number;
  LayerArn: string;
  LayerVersionArn: string;
  Description: string;
  CreatedDate: string;
  CompatibleRuntimes?: string[];
  CompatibleArchitectures?: string[];
  LicenseInfo?: string;
  CodeSha256: string;
  CodeSize: number;
  unzipped: number;
  blobId: string;
  policy?: { RevisionId: string; statements: Record<string, unknown>[] };
}

export interface PolicyRec { statements: Record<string, unknown>[] }

export interface UrlConfigRec {
  function: string;
  qualifier?: string;
  urlId: string;
  FunctionUrl: string;
  FunctionArn: string;
  AuthType: string;
  Cors?: Record<string, unknown>;
  InvokeMode: string;
  CreationTime: string;
  LastModifiedTime: string;
}

export interface ProvisionedRec {
  key: string;
  function: string;
  qualifier: string;
  FunctionArn: string;
  requested: number;
  readyAt: number;
  LastModified: string;
}

export interface CodeSigningRec {
  CodeSigningConfigId: string;
  CodeSigningConfigArn: string;
  Description: string;
  AllowedPublishers: { SigningProfileVersionArns: string[] };
  CodeSigningPolicies: { UntrustedArtifactOnDeployment: string };
  LastModified: string;
}

export interface AliasRec {
  function: string;
  Name: string;
  AliasArn: string;
  FunctionVersion: string;
  Description: string;
  RoutingConfig?: { AdditionalVersionWeights: Record<string, number> };
  RevisionId: string;
}

export const state = defineState({
  service: 'lambda',
  create: (c) => ({
    functions: c.collection<FnRec>('functions'),
    /** Published versions, keyed `name:version`. */
    versions: c.collection<FnConfig>('versions'),
    /** Aliases, keyed `name:alias`. */
    aliases: c.collection<AliasRec>('aliases'),
    /** Keyed `name:qualifier` ($LATEST for the unqualified function). */
    eventInvokeConfigs: c.collection<EventInvokeConfigRec>('eventInvokeConfigs'),
    /** The asynchronous invocation queue, keyed by request id. */
    asyncEvents: c.collection<AsyncEventRec>('asyncEvents'),
    /** Event source mappings by UUID. */
    esms: c.collection<EsmRec>('esms'),
    /** Stream positions of event source mappings, keyed `uuid/shardId` → last processed sequence number. */
    checkpoints: c.collection<string>('checkpoints'),
    /** Layer versions, keyed `name:version`. */
    layers: c.collection<LayerVersionRec>('layers'),
    /** Per layer name: the next version number (numbers are never reused). */
    layerNames: c.collection<{ next: number }>('layerNames'),
    /** Resource-based policies, keyed `name:qualifier` ('' unqualified). */
    policies: c.collection<PolicyRec>('policies'),
    /** Function URL configs, keyed `name:qualifier` ('' unqualified). */
    urls: c.collection<UrlConfigRec>('urls'),
    provisioned: c.collection<ProvisionedRec>('provisioned'),
    codeSigning: c.collection<CodeSigningRec>('codeSigning'),
    /** Tags of event source mappings and code signing configs, keyed by ARN. */
    resourceTags: c.collection<Record<string, string>>('resourceTags'),
  }),
});
/** Background work (the async queue, event source pollers) to restart when state is loaded. */
export const onRebuild = state.onRebuild;
export type LambdaState = ReturnType<typeof state>;
