import * as grpc from '@grpc/grpc-js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { Principal, StreamOperation, TestUser } from './access.js';
import { ALL_STREAM, accessFor, authenticate, mayAccess } from './access.js';
import { emptyPb, serverFeaturesGrpcPb, serverFeaturesPb, sharedPb, streamsGrpcPb, streamsPb } from './generated.js';
import type { CommitMode, ExpectedState, ProposedRecord, StoredRecord } from './log.js';
import { InMemoryLog, comparePositions } from './log.js';
import type { TestCertificates } from './tls.js';
import { makeTestCertificates } from './tls.js';
import {
  accessDeniedError,
  accessDeniedStatus,
  checkpointResponse,
  eventResponse,
  eventSize,
  expectedOf,
  expectedVersionNumber,
  identifierFor,
  matchesFilter,
  maxAppendEventSizeError,
  maxAppendEventSizeStatus,
  maxAppendSizeError,
  maxAppendSizeStatus,
  notLeaderError,
  positionOf,
  serverError,
  streamDeletedError,
  streamDeletedStatus,
  streamNameOf,
  timeoutStatus,
  uuidToString,
  wrongExpectedVersionStatus,
} from './wire.js';

type ReadCall = grpc.ServerWritableStream<StreamsPb.ReadReq, StreamsPb.ReadResp>;
type FilterOptions = StreamsPb.ReadReq.Options.FilterOptions;
type BatchCall = grpc.ServerDuplexStream<StreamsPb.BatchAppendReq, StreamsPb.BatchAppendResp>;

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

/** What a node answers a client about; counted to show how many round trips an operation costs. */
export type CallKind = 'read' | 'append' | 'batchAppend' | 'delete' | 'tombstone' | 'serverFeatures';

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
    server.addService(streamsGrpcPb.StreamsService, {
      read: (call: ReadCall) => this.read(call),
      append: (call: grpc.ServerReadableStream<StreamsPb.AppendReq, StreamsPb.AppendResp>, callback: grpc.sendUnaryData<StreamsPb.AppendResp>) =>
        this.append(call, callback),
      batchAppend: (call: BatchCall) => this.batchAppend(call),
      delete: (call: grpc.ServerUnaryCall<StreamsPb.DeleteReq, StreamsPb.DeleteResp>, callback: grpc.sendUnaryData<StreamsPb.DeleteResp>) =>
        this.delete(call, callback),
      tombstone: (
        call: grpc.ServerUnaryCall<StreamsPb.TombstoneReq, StreamsPb.TombstoneResp>,
        callback: grpc.sendUnaryData<StreamsPb.TombstoneResp>,
      ) => this.tombstone(call, callback),
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

  private read(call: ReadCall): void {
    this.count('read');
    const admitted = this.admit(call.metadata);
    if ('error' in admitted) return void call.emit('error', admitted.error);
    const options = call.request.getOptions();
    if (options === undefined) {
      call.emit('error', serverError(grpc.status.INVALID_ARGUMENT, 'invalid-argument', 'read options are required'));
      return;
    }
    const streamName = options.hasStream() ? streamNameOf(options.getStream()!.getStreamIdentifier()) : ALL_STREAM;
    if (!(options.hasStream() ? this.allows(admitted.principal, streamName, false) : this.allowsOperation(admitted.principal, ALL_STREAM, '$r'))) {
      call.emit('error', accessDeniedError());
      return;
    }
    const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
    const filter = options.hasFilter() ? options.getFilter() : undefined;
    if (options.hasSubscription()) {
      this.subscribe(call, options, filter, structuredIds);
      return;
    }
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
    const count = options.hasCount() ? BigInt(options.getCount()) : BigInt(Number.MAX_SAFE_INTEGER);
    let selected: StoredRecord[];
    if (options.hasStream()) {
      const streamOptions = options.getStream()!;
      const view = this.log.view(streamName);
      if (view.kind === 'deleted') return void call.emit('error', streamDeletedError(streamName));
      if (view.kind === 'notFound') {
        call.write(new streamsPb.ReadResp().setStreamNotFound(new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(identifierFor(streamName))));
        call.end();
        return;
      }
      const records = view.records;
      if (streamOptions.hasRevision()) {
        const from = BigInt(streamOptions.getRevision());
        selected = backwards ? records.filter((record) => record.revision <= from).reverse() : records.filter((record) => record.revision >= from);
      } else if (streamOptions.hasEnd()) {
        selected = backwards ? [...records].reverse() : [];
      } else {
        selected = backwards ? [] : records;
      }
    } else {
      const allOptions = options.getAll();
      const records = this.log.all;
      if (allOptions?.hasPosition()) {
        const from = positionOf(allOptions.getPosition()!);
        // Forwards reads include the event at the position; backwards reads start before it.
        selected = backwards
          ? records.filter((record) => comparePositions(record.position, from) < 0).reverse()
          : records.filter((record) => comparePositions(record.position, from) >= 0);
      } else if (allOptions?.hasEnd()) {
        selected = backwards ? [...records].reverse() : [];
      } else {
        selected = backwards ? [] : [...records];
      }
      selected = selected.filter((record) => matchesFilter(filter, record));
    }
    let sent = 0n;
    for (const record of selected) {
      if (sent >= count) break;
      call.write(eventResponse(record, structuredIds));
      sent += 1n;
    }
    call.end();
  }

  private subscribe(call: ReadCall, options: StreamsPb.ReadReq.Options, filter: FilterOptions | undefined, structuredIds: boolean): void {
    this.subscriptionCount += 1;
    let accepts: (record: StoredRecord) => boolean;
    let history: StoredRecord[];
    if (options.hasStream()) {
      const streamOptions = options.getStream()!;
      const streamName = streamNameOf(streamOptions.getStreamIdentifier());
      if (this.log.isTombstoned(streamName)) {
        call.emit('error', streamDeletedError(streamName));
        return;
      }
      const records = this.log.visibleRecords(streamName) ?? [];
      // A stream subscription starts after the given revision; `end` means live events only.
      const after = streamOptions.hasRevision() ? BigInt(streamOptions.getRevision()) : undefined;
      history = streamOptions.hasEnd() ? [] : records.filter((record) => after === undefined || record.revision > after);
      accepts = (record) => record.streamName === streamName;
    } else {
      const allOptions = options.getAll();
      // A subscription to `$all` starts strictly after the given position.
      const after = allOptions?.hasPosition() ? positionOf(allOptions.getPosition()!) : undefined;
      history = allOptions?.hasEnd()
        ? []
        : this.log.all.filter((record) => after === undefined || comparePositions(record.position, after) > 0);
      accepts = (record) => matchesFilter(filter, record);
    }
    const window = filter === undefined ? undefined : (filter.hasMax() ? filter.getMax() : 32) * Math.max(1, filter.getCheckpointintervalmultiplier());
    let scannedSinceCheckpoint = 0;
    const deliver = (record: StoredRecord): void => {
      if (accepts(record)) call.write(eventResponse(record, structuredIds));
      else scannedSinceCheckpoint += 1;
      if (window !== undefined && scannedSinceCheckpoint >= window) {
        call.write(checkpointResponse(record.position));
        scannedSinceCheckpoint = 0;
      }
    };
    call.write(new streamsPb.ReadResp().setConfirmation(new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(`test-subscription-${this.subscriptionCount}`)));
    for (const record of history) deliver(record);
    // A filtered subscription to `$all` reports where its catch-up read ended, then (since 23.10)
    // marks the switch to live events with a caught-up message.
    if (filter !== undefined && !options.hasStream()) call.write(checkpointResponse(this.log.lastPosition()));
    call.write(new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp()));
    // History and the live hook are set up in one turn of the event loop, so no append falls between.
    const detach = this.log.onAppend((records) => {
      for (const record of records) deliver(record);
    });
    this.liveCalls.add(call);
    const end = () => {
      detach();
      this.liveCalls.delete(call);
    };
    call.on('cancelled', end);
    call.on('close', end);
    call.on('error', end);
  }

  /** The checks of one append, in the server's order; undefined when it may be written. */
  private refuseAppend(
    principal: Principal | undefined,
    streamName: string,
    proposed: readonly ProposedRecord[],
  ): { readonly kind: 'accessDenied' } | { readonly kind: 'tooLarge' } | { readonly kind: 'eventTooLarge'; readonly eventId: string; readonly size: number } | undefined {
    if (!this.allows(principal, streamName, true)) return { kind: 'accessDenied' };
    const limit = this.options.maxAppendEventSize;
    for (const record of proposed) {
      const size = eventSize(record);
      if (limit !== undefined && size > limit) return { kind: 'eventTooLarge', eventId: record.eventId, size };
    }
    return proposed.reduce((sum, record) => sum + eventSize(record), 0) > this.maxAppendSize ? { kind: 'tooLarge' } : undefined;
  }

  private get maxAppendSize(): number {
    return this.options.maxAppendSize ?? 1_048_576;
  }

  private append(
    call: grpc.ServerReadableStream<StreamsPb.AppendReq, StreamsPb.AppendResp>,
    callback: grpc.sendUnaryData<StreamsPb.AppendResp>,
  ): void {
    this.count('append');
    let options: StreamsPb.AppendReq.Options | undefined;
    const proposed: ProposedRecord[] = [];
    let invalid: grpc.ServiceError | undefined;
    call.on('data', (request: StreamsPb.AppendReq) => {
      if (request.hasOptions()) {
        options = request.getOptions();
        return;
      }
      const message = request.getProposedMessage();
      if (message === undefined) return;
      const record = proposedRecord(message);
      if (record === undefined) invalid = missingMetadataError();
      else proposed.push(record);
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      if (this.appendsStalled) return;
      const admitted = this.admit(call.metadata);
      if ('error' in admitted) return callback(admitted.error);
      if (invalid !== undefined) return callback(invalid);
      if (options === undefined) return callback(serverError(grpc.status.INVALID_ARGUMENT, 'invalid-argument', 'append options are required'));
      const streamName = streamNameOf(options.getStreamIdentifier());
      const refused = this.refuseAppend(admitted.principal, streamName, proposed);
      if (refused?.kind === 'accessDenied') return callback(accessDeniedError());
      if (refused?.kind === 'tooLarge') return callback(maxAppendSizeError(this.maxAppendSize));
      if (refused?.kind === 'eventTooLarge') return callback(maxAppendEventSizeError(refused.eventId, refused.size, this.options.maxAppendEventSize!));
      const expected = expectedOf(options);
      this.runBeforeAppend();
      const outcome = this.writeLog.append(streamName, expected, proposed);
      const response = new streamsPb.AppendResp();
      switch (outcome.kind) {
        case 'streamDeleted':
          return callback(streamDeletedError(streamName));
        case 'wrongExpectedVersion': {
          const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
          if (outcome.currentRevision === undefined) wrong.setCurrentNoStream(new sharedPb.Empty());
          else wrong.setCurrentRevision(outcome.currentRevision.toString());
          if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
          else if (expected.kind === 'noStream') wrong.setExpectedNoStream(new sharedPb.Empty());
          else if (expected.kind === 'streamExists') wrong.setExpectedStreamExists(new sharedPb.Empty());
          else wrong.setExpectedAny(new sharedPb.Empty());
          return callback(null, response.setWrongExpectedVersion(wrong));
        }
        case 'written':
        case 'idempotent': {
          const success = new streamsPb.AppendResp.Success();
          if (outcome.currentRevision < 0n) success.setNoStream(new sharedPb.Empty());
          else success.setCurrentRevision(outcome.currentRevision.toString());
          success.setPosition(
            new streamsPb.AppendResp.Position()
              .setCommitPosition(outcome.position.commit.toString())
              .setPreparePosition(outcome.position.prepare.toString()),
          );
          return callback(null, response.setSuccess(success));
        }
      }
    });
  }

  /**
   * BatchAppend: one duplex call shared by all of a client's appends, each a correlation id with
   * options, events and a final flag. Each append's failure is a `google.rpc.Status` in its response;
   * a NotLeader ends the whole call, as the server throws it. The deadline is a point in time on the
   * client's clock, compared here with the server's own.
   */
  private batchAppend(call: BatchCall): void {
    const pending = new Map<string, { options: StreamsPb.BatchAppendReq.Options; proposed: ProposedRecord[]; invalid: boolean }>();
    this.batchCalls.add(call);
    const admitted = this.admit(call.metadata);
    call.on('data', (request: StreamsPb.BatchAppendReq) => {
      if (this.appendsStalled) return;
      const correlation = uuidToString(request.getCorrelationId());
      const respond = (streamName: string) =>
        new streamsPb.BatchAppendResp().setCorrelationId(request.getCorrelationId()).setStreamIdentifier(identifierFor(streamName));
      const options = request.getOptions();
      if (options !== undefined) pending.set(correlation, { options, proposed: [], invalid: false });
      const entry = pending.get(correlation);
      if (entry === undefined) return;
      for (const message of request.getProposedMessagesList()) {
        const record = proposedRecord(message);
        if (record === undefined) entry.invalid = true;
        else entry.proposed.push(record);
      }
      if (!request.getIsFinal()) return;
      pending.delete(correlation);
      this.count('batchAppend');
      if ('error' in admitted) {
        call.emit('error', admitted.error);
        return;
      }
      const streamName = streamNameOf(entry.options.getStreamIdentifier());
      const deadline = entry.options.getDeadline()?.toDate();
      if (deadline !== undefined && deadline.getTime() <= this.clock().getTime()) return void call.write(respond(streamName).setError(timeoutStatus()));
      const refused = this.refuseAppend(admitted.principal, streamName, entry.proposed);
      if (refused?.kind === 'accessDenied') return void call.write(respond(streamName).setError(accessDeniedStatus()));
      if (refused?.kind === 'tooLarge') return void call.write(respond(streamName).setError(maxAppendSizeStatus(this.maxAppendSize)));
      if (refused?.kind === 'eventTooLarge') {
        return void call.write(respond(streamName).setError(maxAppendEventSizeStatus(refused.eventId, refused.size, this.options.maxAppendEventSize!)));
      }
      if (entry.invalid) return void call.emit('error', missingMetadataError());
      const expected = batchExpectedOf(entry.options);
      this.runBeforeAppend();
      const outcome = this.writeLog.append(streamName, expected, entry.proposed);
      switch (outcome.kind) {
        case 'streamDeleted':
          return void call.write(respond(streamName).setError(streamDeletedStatus(streamName)));
        case 'wrongExpectedVersion':
          return void call.write(respond(streamName).setError(wrongExpectedVersionStatus(outcome.currentRevision, expected)));
        case 'written':
        case 'idempotent': {
          const success = new streamsPb.BatchAppendResp.Success();
          if (outcome.currentRevision < 0n) success.setNoStream(new emptyPb.Empty());
          else success.setCurrentRevision(outcome.currentRevision.toString());
          success.setPosition(new sharedPb.AllStreamPosition().setCommitPosition(outcome.position.commit.toString()).setPreparePosition(outcome.position.prepare.toString()));
          return void call.write(respond(streamName).setSuccess(success));
        }
      }
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      this.batchCalls.delete(call);
      call.end();
    });
  }

  private delete(call: grpc.ServerUnaryCall<StreamsPb.DeleteReq, StreamsPb.DeleteResp>, callback: grpc.sendUnaryData<StreamsPb.DeleteResp>): void {
    this.count('delete');
    const admitted = this.admit(call.metadata);
    if ('error' in admitted) return callback(admitted.error);
    const options = call.request.getOptions()!;
    const streamName = streamNameOf(options.getStreamIdentifier());
    if (!this.allowsOperation(admitted.principal, streamName, '$d')) return callback(accessDeniedError());
    const expected = expectedOf(options);
    const outcome = this.writeLog.delete(streamName, expected);
    if (outcome.kind === 'streamDeleted') return callback(streamDeletedError(streamName));
    if (outcome.kind === 'wrongExpectedVersion') return callback(this.wrongExpectedVersionError(streamName, expected, outcome.currentRevision));
    callback(
      null,
      new streamsPb.DeleteResp().setPosition(
        new streamsPb.DeleteResp.Position().setCommitPosition(outcome.position.commit.toString()).setPreparePosition(outcome.position.prepare.toString()),
      ),
    );
  }

  private tombstone(
    call: grpc.ServerUnaryCall<StreamsPb.TombstoneReq, StreamsPb.TombstoneResp>,
    callback: grpc.sendUnaryData<StreamsPb.TombstoneResp>,
  ): void {
    this.count('tombstone');
    const admitted = this.admit(call.metadata);
    if ('error' in admitted) return callback(admitted.error);
    const options = call.request.getOptions()!;
    const streamName = streamNameOf(options.getStreamIdentifier());
    if (!this.allowsOperation(admitted.principal, streamName, '$d')) return callback(accessDeniedError());
    const expected = expectedOf(options);
    const outcome = this.writeLog.tombstone(streamName, expected);
    if (outcome.kind === 'streamDeleted') return callback(streamDeletedError(streamName));
    if (outcome.kind === 'wrongExpectedVersion') return callback(this.wrongExpectedVersionError(streamName, expected, outcome.currentRevision));
    callback(
      null,
      new streamsPb.TombstoneResp().setPosition(
        new streamsPb.TombstoneResp.Position()
          .setCommitPosition(outcome.position.commit.toString())
          .setPreparePosition(outcome.position.prepare.toString()),
      ),
    );
  }

  private wrongExpectedVersionError(streamName: string, expected: ExpectedState, current: bigint | undefined): grpc.ServiceError {
    return serverError(grpc.status.FAILED_PRECONDITION, 'wrong-expected-version', `Wrong expected version for stream '${streamName}'.`, {
      'stream-name': streamName,
      'expected-version': expectedVersionNumber(expected),
      ...(current === undefined ? {} : { 'actual-version': current.toString() }),
    });
  }
}

interface ProposedMessage {
  getId(): InstanceType<typeof sharedPb.UUID> | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

/** An event as proposed by the client, or undefined when `type` or `content-type` is missing. */
const proposedRecord = (message: ProposedMessage): ProposedRecord | undefined => {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (type === undefined || contentType === undefined) return undefined;
  return { eventId: uuidToString(message.getId()), type, contentType, data: message.getData_asU8(), customMetadata: message.getCustomMetadata_asU8() };
};

const missingMetadataError = (): grpc.ServiceError =>
  serverError(grpc.status.INVALID_ARGUMENT, 'missing-required-metadata-property', 'type and content-type are required', {
    'required-properties': 'type,content-type',
  });

const batchExpectedOf = (options: StreamsPb.BatchAppendReq.Options): ExpectedState =>
  options.hasStreamPosition()
    ? { kind: 'revision', revision: BigInt(options.getStreamPosition()) }
    : options.hasNoStream()
      ? { kind: 'noStream' }
      : options.hasStreamExists()
        ? { kind: 'streamExists' }
        : { kind: 'any' };
