import * as grpc from '@grpc/grpc-js';
import type * as SharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import { sharedPb, streamsGrpcPb, streamsPb } from './generated.js';
import type { CommitMode, ExpectedState, LogPosition, ProposedRecord, StoredRecord } from './log.js';
import { InMemoryLog, comparePositions } from './log.js';

type ReadCall = grpc.ServerWritableStream<StreamsPb.ReadReq, StreamsPb.ReadResp>;
type FilterOptions = StreamsPb.ReadReq.Options.FilterOptions;

export interface EventStoreDBTestServerOptions {
  /** The port to listen on; a free one is chosen when absent. Restarts reuse the same port. */
  readonly port?: number;
  readonly host?: string;
  /** The clock behind each event's `created` time. */
  readonly clock?: () => Date;
  /** How events get their commit positions (default `perEvent`, as current servers do); see `CommitMode`. */
  readonly commitMode?: CommitMode;
}

const decoder = new TextDecoder();

const streamNameOf = (identifier: SharedPb.StreamIdentifier | undefined): string =>
  identifier === undefined ? '' : decoder.decode(identifier.getStreamName_asU8());

const uuidToString = (uuid: SharedPb.UUID | undefined): string => {
  if (uuid === undefined) return '';
  if (!uuid.hasStructured()) return uuid.getString();
  const structured = uuid.getStructured()!;
  const hex =
    BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())).toString(16).padStart(16, '0') +
    BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const uuidMessage = (id: string, structured: boolean): SharedPb.UUID => {
  const uuid = new sharedPb.UUID();
  if (!structured) return uuid.setString(id);
  const hex = id.replaceAll('-', '');
  const bits = new sharedPb.UUID.Structured();
  bits.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
  bits.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  return uuid.setStructured(bits);
};

const identifierFor = (streamName: string): SharedPb.StreamIdentifier =>
  new sharedPb.StreamIdentifier().setStreamName(new TextEncoder().encode(streamName));

/** An error the client turns into one of its typed errors through the `exception` trailer. */
const serverError = (code: grpc.status, exception: string, details: string, entries: Record<string, string> = {}): grpc.ServiceError => {
  const metadata = new grpc.Metadata();
  metadata.set('exception', exception);
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
};

const streamDeletedError = (streamName: string): grpc.ServiceError =>
  serverError(grpc.status.FAILED_PRECONDITION, 'stream-deleted', `Event stream '${streamName}' is deleted.`, { 'stream-name': streamName });

/** EventStoreDB's own numbers for the expected-version modes, as it reports them in trailers. */
const expectedVersionNumber = (expected: ExpectedState): string =>
  expected.kind === 'revision' ? expected.revision.toString() : expected.kind === 'noStream' ? '-1' : expected.kind === 'any' ? '-2' : '-4';

const expectedOf = (options: {
  hasRevision(): boolean;
  getRevision(): string;
  hasNoStream(): boolean;
  hasStreamExists(): boolean;
}): ExpectedState =>
  options.hasRevision()
    ? { kind: 'revision', revision: BigInt(options.getRevision()) }
    : options.hasNoStream()
      ? { kind: 'noStream' }
      : options.hasStreamExists()
        ? { kind: 'streamExists' }
        : { kind: 'any' };

const matchesExpression = (expression: StreamsPb.ReadReq.Options.FilterOptions.Expression, value: string): boolean => {
  const prefixes = expression.getPrefixList();
  if (prefixes.length > 0) return prefixes.some((prefix) => value.startsWith(prefix));
  const regex = expression.getRegex();
  return regex === '' || new RegExp(regex).test(value);
};

const matchesFilter = (filter: FilterOptions | undefined, record: StoredRecord): boolean => {
  if (filter === undefined) return true;
  if (filter.hasStreamIdentifier()) return matchesExpression(filter.getStreamIdentifier()!, record.streamName);
  if (filter.hasEventType()) return matchesExpression(filter.getEventType()!, record.type);
  return true;
};

const eventResponse = (record: StoredRecord, structuredIds: boolean): StreamsPb.ReadResp => {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(record.eventId, structuredIds))
    .setStreamIdentifier(identifierFor(record.streamName))
    .setStreamRevision(record.revision.toString())
    .setPreparePosition(record.position.prepare.toString())
    .setCommitPosition(record.position.commit.toString())
    .setData(record.data)
    .setCustomMetadata(record.customMetadata);
  recorded.getMetadataMap().set('type', record.type).set('content-type', record.contentType).set('created', record.created.toString());
  const event = new streamsPb.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(record.position.commit.toString());
  return new streamsPb.ReadResp().setEvent(event);
};

const checkpointResponse = (position: LogPosition): StreamsPb.ReadResp =>
  new streamsPb.ReadResp().setCheckpoint(
    new streamsPb.ReadResp.Checkpoint().setCommitPosition(position.commit.toString()).setPreparePosition(position.prepare.toString()),
  );

const positionOf = (message: { getCommitPosition(): string; getPreparePosition(): string }): LogPosition => ({
  commit: BigInt(message.getCommitPosition()),
  prepare: BigInt(message.getPreparePosition()),
});

/**
 * A wire-level stand-in for EventStoreDB: a gRPC server serving the client's own generated
 * `Streams` service from memory. It is a test double for the adapter's tests; its documentation
 * (docs/eventstoredb.md) lists what it implements and what it leaves out. `stop()` and `start()`
 * take it down and bring it back on the same port with its data, to test reconnection.
 */
export class EventStoreDBTestServer {
  readonly log: InMemoryLog;
  private server: grpc.Server | undefined;
  private boundPort: number;
  private readonly host: string;
  private readonly liveCalls = new Set<ReadCall>();
  private appendsStalled = false;
  private subscriptionCount = 0;

  private constructor(options: EventStoreDBTestServerOptions) {
    this.log = new InMemoryLog(options.clock ?? (() => new Date()), options.commitMode);
    this.boundPort = options.port ?? 0;
    this.host = options.host ?? '127.0.0.1';
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

  /** The connection string the client needs: one node, no TLS (the double speaks plain HTTP/2). */
  get connectionString(): string {
    return `esdb://${this.host}:${this.boundPort}?tls=false`;
  }

  /** Starts listening (again), on the port of the first start. Data survives stop and start. */
  async start(): Promise<void> {
    if (this.server !== undefined) return;
    const server = new grpc.Server();
    // BatchAppend and the ServerFeatures service are left out: grpc-js answers UNIMPLEMENTED, and
    // the client then appends through the plain Append call.
    server.addService(streamsGrpcPb.StreamsService, {
      read: (call: ReadCall) => this.read(call),
      append: (call: grpc.ServerReadableStream<StreamsPb.AppendReq, StreamsPb.AppendResp>, callback: grpc.sendUnaryData<StreamsPb.AppendResp>) =>
        this.append(call, callback),
      delete: (call: grpc.ServerUnaryCall<StreamsPb.DeleteReq, StreamsPb.DeleteResp>, callback: grpc.sendUnaryData<StreamsPb.DeleteResp>) =>
        this.delete(call, callback),
      tombstone: (
        call: grpc.ServerUnaryCall<StreamsPb.TombstoneReq, StreamsPb.TombstoneResp>,
        callback: grpc.sendUnaryData<StreamsPb.TombstoneResp>,
      ) => this.tombstone(call, callback),
    });
    this.boundPort = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${this.host}:${this.boundPort}`, grpc.ServerCredentials.createInsecure(), (error, port) =>
        error === null ? resolve(port) : reject(error),
      );
    });
    this.server = server;
  }

  /** Drops every connection and call at once, as a crashed or restarted node does. Data is kept. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    this.liveCalls.clear();
    server.forceShutdown();
  }

  async close(): Promise<void> {
    await this.stop();
  }

  /** While stalled, appends are received but never answered: a node that accepts but does not respond. */
  stallAppends(stalled: boolean): void {
    this.appendsStalled = stalled;
  }

  /** Live subscriptions currently attached. */
  get liveSubscriptions(): number {
    return this.liveCalls.size;
  }

  private read(call: ReadCall): void {
    const options = call.request.getOptions();
    if (options === undefined) {
      call.emit('error', serverError(grpc.status.INVALID_ARGUMENT, 'invalid-argument', 'read options are required'));
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
      const streamName = streamNameOf(streamOptions.getStreamIdentifier());
      if (this.log.isTombstoned(streamName)) {
        call.emit('error', streamDeletedError(streamName));
        return;
      }
      const records = this.log.visibleRecords(streamName);
      if (records === undefined) {
        call.write(new streamsPb.ReadResp().setStreamNotFound(new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(identifierFor(streamName))));
        call.end();
        return;
      }
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
    // Since 23.10 the server marks the switch to live with a caught-up message (and no checkpoint).
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

  private append(
    call: grpc.ServerReadableStream<StreamsPb.AppendReq, StreamsPb.AppendResp>,
    callback: grpc.sendUnaryData<StreamsPb.AppendResp>,
  ): void {
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
      const metadata = message.getMetadataMap();
      const type = metadata.get('type');
      const contentType = metadata.get('content-type');
      if (type === undefined || contentType === undefined) {
        invalid = serverError(grpc.status.INVALID_ARGUMENT, 'missing-required-metadata-property', 'type and content-type are required', {
          'required-properties': 'type,content-type',
        });
        return;
      }
      proposed.push({
        eventId: uuidToString(message.getId()),
        type,
        contentType,
        data: message.getData_asU8(),
        customMetadata: message.getCustomMetadata_asU8(),
      });
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      if (this.appendsStalled) return;
      if (invalid !== undefined) return callback(invalid);
      if (options === undefined) return callback(serverError(grpc.status.INVALID_ARGUMENT, 'invalid-argument', 'append options are required'));
      const streamName = streamNameOf(options.getStreamIdentifier());
      const expected = expectedOf(options);
      const outcome = this.log.append(streamName, expected, proposed);
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

  private delete(call: grpc.ServerUnaryCall<StreamsPb.DeleteReq, StreamsPb.DeleteResp>, callback: grpc.sendUnaryData<StreamsPb.DeleteResp>): void {
    const options = call.request.getOptions()!;
    const streamName = streamNameOf(options.getStreamIdentifier());
    const expected = expectedOf(options);
    const outcome = this.log.delete(streamName, expected);
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
    const options = call.request.getOptions()!;
    const streamName = streamNameOf(options.getStreamIdentifier());
    const expected = expectedOf(options);
    const outcome = this.log.tombstone(streamName, expected);
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
