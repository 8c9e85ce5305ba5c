import * as grpc from '@grpc/grpc-js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { Principal, StreamOperation, TestUser } from './access.js';
import { accessFor, authenticate, mayAccess } from './access.js';
import { serveAppend, serveBatchAppend } from './append-service.js';
import { serveDelete, serveTombstone } from './delete-service.js';
import { serverFeaturesGrpcPb, serverFeaturesPb, streamsGrpcPb } from './generated.js';
import type { CommitMode } from './log.js';
import { InMemoryLog } from './log.js';
import { serveRead } from './read-service.js';
import type { CallKind } from './call-kind.js';
import type { BatchCall, ReadCall, ServedNode } from './served-node.js';
import type { TestCertificates } from './tls.js';
import { makeTestCertificates } from './tls.js';
import { accessDeniedError, notLeaderError } from './wire.js';

export interface EventStoreDBTestServerOptions {
  /** The port to listen on; a free one is chosen when absent. Restarts reuse the same port. */
  readonly port?: number;
  readonly host?: string;
  /** The server's clock: each event's `created` time, `$maxAge`, and BatchAppend deadlines. */
  readonly clock?: () => Date;
  /** How events get their commit positions (default `perEvent`, as current servers do); see `CommitMode`. */
  readonly commitMode?: CommitMode;
  /** What ServerFeatures reports (default `24.10.0`); `undefined` answers it UNIMPLEMENTED, as servers before 21.10 do. */
  readonly serverVersion?: string | undefined;
  /** Whether ServerFeatures lists BatchAppend, which the client then uses for every append (default true, as every 21.10+ server). */
  readonly batchAppend?: boolean;
  /** Bytes one append may carry (default 1 MiB, the server's `MaxAppendSize`). */
  readonly maxAppendSize?: number;
  /** Bytes one event may carry: KurrentDB 25.1's `MaxAppendEventSize` (no limit when absent). */
  readonly maxAppendEventSize?: number;
  /**
   * Users of a secure node: TLS on, credentials required, stream ACLs enforced (`$`-streams and `$all`
   * for `$admins` unless a stream's `$acl` says otherwise). Absent: an insecure node that allows all.
   */
  readonly users?: Readonly<Record<string, TestUser>>;
  /** Makes this node a follower of that one: writes are forwarded to it, reads see what `replicate()` copied. */
  readonly followerOf?: EventStoreDBTestServer;
  /** The server's own records at the start of `$all` (default true) and one event of another application (default false). */
  readonly seed?: { readonly systemRecords?: boolean; readonly foreignEvent?: boolean };
}

export type { CallKind } from './call-kind.js';

/** The stream and type of the foreign event `seed.foreignEvent` writes. */
export const FOREIGN_STREAM = 'billing-invoice-7';

/**
 * A wire-level stand-in for EventStoreDB: a gRPC server serving the client's own generated
 * `Streams` and `ServerFeatures` services from memory. It is a test double for the adapter's tests;
 * its documentation (docs/eventstoredb.md) lists what it implements and what it leaves out.
 * `stop()` and `start()` take it down and bring it back on the same port with its data.
 */
export class EventStoreDBTestServer {
  readonly log: InMemoryLog;
  /** Calls answered, by kind; BatchAppend counts each append sent on its shared stream. */
  readonly calls = new Map<CallKind, number>();
  private server: grpc.Server | undefined;
  private boundPort: number;
  private readonly host: string;
  private readonly clock: () => Date;
  private readonly liveCalls = new Set<ReadCall>();
  private readonly batchCalls = new Set<BatchCall>();
  private readonly leader: EventStoreDBTestServer | undefined;
  private readonly users: Readonly<Record<string, TestUser>> | undefined;
  private certificates: TestCertificates | undefined;
  private appendsStalled = false;
  private beforeAppend: (() => void) | undefined;
  private subscriptionCount = 0;
  private replicated = 0;

  private constructor(private readonly options: EventStoreDBTestServerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.log = new InMemoryLog(this.clock, options.commitMode);
    this.boundPort = options.port ?? 0;
    this.host = options.host ?? '127.0.0.1';
    this.leader = options.followerOf;
    this.users = options.users;
    if (this.leader !== undefined) this.replicate();
    else {
      if (options.seed?.systemRecords ?? true) this.log.seedSystemRecords();
      if (options.seed?.foreignEvent === true) {
        this.log.appendForeign(FOREIGN_STREAM, 'InvoiceIssued', { invoice: 7, amount: 120 }, { $correlationId: 'billing-7', source: 'billing' });
      }
    }
  }

  static async start(options: EventStoreDBTestServerOptions = {}): Promise<EventStoreDBTestServer> {
    const server = new EventStoreDBTestServer(options);
    await server.start();
    return server;
  }

  get port(): number {
    return this.boundPort;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  get secure(): boolean {
    return this.users !== undefined;
  }

  /**
   * The connection string the client needs: one node, plain HTTP/2 on an insecure node; on a secure
   * one TLS with the test CA, and the credentials of `user` (the first user when not given).
   */
  get connectionString(): string {
    return this.connectionStringFor();
  }

  connectionStringFor(user?: string, scheme: 'esdb' | 'kurrentdb' = 'esdb'): string {
    if (this.users === undefined || this.certificates === undefined) return `${scheme}://${this.host}:${this.boundPort}?tls=false`;
    const name = user ?? Object.keys(this.users)[0]!;
    const password = this.users[name]?.password ?? 'not-a-user';
    return `${scheme}://${encodeURIComponent(name)}:${encodeURIComponent(password)}@${this.host}:${this.boundPort}?tls=true&tlsCAFile=${encodeURIComponent(this.certificates.caFile)}`;
  }

  /** Round trips answered so far: every call but ServerFeatures, which the client asks once per connection. */
  get roundTrips(): number {
    return [...this.calls].filter(([kind]) => kind !== 'serverFeatures').reduce((sum, [, count]) => sum + count, 0);
  }

  /** Starts listening (again), on the port of the first start. Data survives stop and start. */
  async start(): Promise<void> {
    if (this.server !== undefined) return;
    const server = new grpc.Server();
    const node = this.served;
    server.addService(streamsGrpcPb.StreamsService, {
      read: (call: ReadCall) => serveRead(node, call),
      append: (call: grpc.ServerReadableStream<StreamsPb.AppendReq, StreamsPb.AppendResp>, callback: grpc.sendUnaryData<StreamsPb.AppendResp>) =>
        serveAppend(node, call, callback),
      batchAppend: (call: BatchCall) => serveBatchAppend(node, call),
      delete: (call: grpc.ServerUnaryCall<StreamsPb.DeleteReq, StreamsPb.DeleteResp>, callback: grpc.sendUnaryData<StreamsPb.DeleteResp>) =>
        serveDelete(node, call, callback),
      tombstone: (
        call: grpc.ServerUnaryCall<StreamsPb.TombstoneReq, StreamsPb.TombstoneResp>,
        callback: grpc.sendUnaryData<StreamsPb.TombstoneResp>,
      ) => serveTombstone(node, call, callback),
    });
    if (this.options.serverVersion !== undefined || !('serverVersion' in this.options)) {
      server.addService(serverFeaturesGrpcPb.ServerFeaturesService, {
        getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
          this.count('serverFeatures');
          callback(null, this.supportedMethods());
        },
      });
    }
    if (this.users !== undefined && this.certificates === undefined) this.certificates = makeTestCertificates();
    const credentials =
      this.certificates === undefined
        ? grpc.ServerCredentials.createInsecure()
        : grpc.ServerCredentials.createSsl(null, [{ private_key: this.certificates.key, cert_chain: this.certificates.certificate }], false);
    this.boundPort = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${this.host}:${this.boundPort}`, credentials, (error, port) => (error === null ? resolve(port) : reject(error)));
    });
    this.server = server;
  }

  /** Drops every connection and call at once, as a crashed or restarted node does. Data is kept. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    this.liveCalls.clear();
    this.batchCalls.clear();
    server.forceShutdown();
  }

  async close(): Promise<void> {
    await this.stop();
    this.certificates?.remove();
    this.certificates = undefined;
  }

  /** While stalled, appends are received but never answered: a node that accepts but does not respond. */
  stallAppends(stalled: boolean): void {
    this.appendsStalled = stalled;
  }

  /** Runs `hook` once, when the next append has arrived and is about to be checked: another writer getting in between. */
  beforeNextAppend(hook: () => void): void {
    this.beforeAppend = hook;
  }

  private runBeforeAppend(): void {
    const hook = this.beforeAppend;
    this.beforeAppend = undefined;
    hook?.();
  }

  /** Live subscriptions currently attached. */
  get liveSubscriptions(): number {
    return this.liveCalls.size;
  }

  /** A follower copies what the leader has written since the last call; until then its reads are stale. */
  replicate(): void {
    if (this.leader === undefined) return;
    const records = this.leader.log.all.slice(this.replicated);
    this.replicated = this.leader.log.all.length;
    if (records.length > 0) this.log.ingest(records);
  }

  /** What the services see of this node. */
  private get served(): ServedNode {
    return {
      log: this.log,
      writeLog: this.writeLog,
      clock: this.clock,
      maxAppendSize: this.options.maxAppendSize ?? 1_048_576,
      maxAppendEventSize: this.options.maxAppendEventSize,
      appendsStalled: () => this.appendsStalled,
      liveCalls: this.liveCalls,
      batchCalls: this.batchCalls,
      count: (kind) => this.count(kind),
      admit: (metadata) => this.admit(metadata),
      allows: (principal, streamName, write) => this.allows(principal, streamName, write),
      allowsOperation: (principal, streamName, operation) => this.allowsOperation(principal, streamName, operation),
      runBeforeAppend: () => this.runBeforeAppend(),
      nextSubscriptionId: () => `test-subscription-${(this.subscriptionCount += 1)}`,
    };
  }

  private count(kind: CallKind): void {
    this.calls.set(kind, (this.calls.get(kind) ?? 0) + 1);
  }

  private supportedMethods() {
    const methods = new serverFeaturesPb.SupportedMethods().setEventStoreServerVersion(this.options.serverVersion ?? '24.10.0');
    const names = ['read', 'append', 'delete', 'tombstone', ...((this.options.batchAppend ?? true) ? ['batchappend'] : [])];
    for (const name of names) methods.addMethods(new serverFeaturesPb.SupportedMethod().setServiceName('event_store.client.streams.streams').setMethodName(name));
    return methods;
  }

  /** The node a write goes to: the leader itself, or the one a follower forwards to. */
  private get writeLog(): InMemoryLog {
    return this.leader?.log ?? this.log;
  }

  /**
   * The checks every call passes first, in the server's order: a follower refuses `requires-leader`
   * calls with the leader's address, then a secure node wants valid credentials.
   */
  private admit(metadata: grpc.Metadata): { readonly error: grpc.ServiceError } | { readonly principal: Principal | undefined } {
    if (this.leader !== undefined && metadata.get('requires-leader')[0] === 'true') return { error: notLeaderError(this.leader.host, this.leader.port) };
    if (this.users === undefined) return { principal: undefined };
    const principal = authenticate(metadata.get('authorization')[0]?.toString(), this.users);
    return principal === undefined ? { error: accessDeniedError() } : { principal };
  }

  private allows(principal: Principal | undefined, streamName: string, write: boolean): boolean {
    if (principal === undefined) return true;
    const { stream, operation } = accessFor(streamName, write);
    return mayAccess(this.log, principal, stream, operation);
  }

  private allowsOperation(principal: Principal | undefined, streamName: string, operation: StreamOperation): boolean {
    return principal === undefined || mayAccess(this.log, principal, streamName, operation);
  }
}
