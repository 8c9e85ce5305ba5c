import type * as grpc from '@grpc/grpc-js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { Principal, StreamOperation } from './access.js';
import type { CallKind } from './call-kind.js';
import type { InMemoryLog } from './log.js';

export type ReadCall = grpc.ServerWritableStream<StreamsPb.ReadReq, StreamsPb.ReadResp>;
export type BatchCall = grpc.ServerDuplexStream<StreamsPb.BatchAppendReq, StreamsPb.BatchAppendResp>;

/** The node a service call is answered by: its logs, its checks and its hooks (see `EventStoreDBTestServer`). */
export interface ServedNode {
  /** What reads see: a follower's own copy. */
  readonly log: InMemoryLog;
  /** Where writes go: the leader's log. */
  readonly writeLog: InMemoryLog;
  readonly clock: () => Date;
  readonly maxAppendSize: number;
  readonly maxAppendEventSize: number | undefined;
  /** While true, appends are received and never answered. */
  appendsStalled(): boolean;
  readonly liveCalls: Set<ReadCall>;
  readonly batchCalls: Set<BatchCall>;
  count(kind: CallKind): void;
  /** A follower refuses `requires-leader` calls with the leader's address, then a secure node wants valid credentials. */
  admit(metadata: grpc.Metadata): { readonly error: grpc.ServiceError } | { readonly principal: Principal | undefined };
  allows(principal: Principal | undefined, streamName: string, write: boolean): boolean;
  allowsOperation(principal: Principal | undefined, streamName: string, operation: StreamOperation): boolean;
  /** Runs the hook set by `beforeNextAppend`, once. */
  runBeforeAppend(): void;
  nextSubscriptionId(): string;
}
