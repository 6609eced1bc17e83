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
  /** Internal: the code zip's blob id (never sent to clients). */
  blobId: string;
}

export interface FnRec {
  name: string;
  latest: FnConfig;
  tags: Record<string, string>;
  reserved?: number;
  /** The next version number PublishVersion hands out. */
  nextVersion: number;
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
  }),
});
export type LambdaState = ReturnType<typeof state>;
