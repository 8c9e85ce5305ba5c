import * as grpc from '@grpc/grpc-js';
import type * as SharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type * as CodePb from '@eventstore/db-client/generated/code_pb.js';
import type * as StatusPb from '@eventstore/db-client/generated/status_pb.js';
import { BinaryWriter, anyPb, codePb, emptyPb, sharedPb, statusPb, streamsPb } from './generated.js';
import type { ExpectedState, LogPosition, StoredRecord } from './log.js';

type FilterOptions = StreamsPb.ReadReq.Options.FilterOptions;

const decoder = new TextDecoder();

export const streamNameOf = (identifier: SharedPb.StreamIdentifier | undefined): string =>
  identifier === undefined ? '' : decoder.decode(identifier.getStreamName_asU8());

export const uuidToString = (uuid: SharedPb.UUID | undefined): string => {
  if (uuid === undefined) return '';
  if (!uuid.hasStructured()) return uuid.getString();
  const structured = uuid.getStructured()!;
  const hex =
    BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())).toString(16).padStart(16, '0') +
    BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

export const uuidMessage = (id: string, structured: boolean): SharedPb.UUID => {
  const uuid = new sharedPb.UUID();
  if (!structured) return uuid.setString(id);
  const hex = id.replaceAll('-', '');
  const bits = new sharedPb.UUID.Structured();
  bits.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
  bits.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  return uuid.setStructured(bits);
};

export const identifierFor = (streamName: string): SharedPb.StreamIdentifier =>
  new sharedPb.StreamIdentifier().setStreamName(new TextEncoder().encode(streamName));

/** An error the client turns into one of its typed errors through the `exception` trailer. */
export const serverError = (code: grpc.status, exception: string, details: string, entries: Record<string, string> = {}): grpc.ServiceError => {
  const metadata = new grpc.Metadata();
  metadata.set('exception', exception);
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
};

export const streamDeletedError = (streamName: string): grpc.ServiceError =>
  serverError(grpc.status.FAILED_PRECONDITION, 'stream-deleted', `Event stream '${streamName}' is deleted.`, { 'stream-name': streamName });

/** EventStoreDB's own numbers for the expected-version modes, as it reports them in trailers. */
export const expectedVersionNumber = (expected: ExpectedState): string =>
  expected.kind === 'revision' ? expected.revision.toString() : expected.kind === 'noStream' ? '-1' : expected.kind === 'any' ? '-2' : '-4';

export const expectedOf = (options: {
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

export const matchesFilter = (filter: FilterOptions | undefined, record: StoredRecord): boolean => {
  if (filter === undefined) return true;
  if (filter.hasStreamIdentifier()) return matchesExpression(filter.getStreamIdentifier()!, record.streamName);
  if (filter.hasEventType()) return matchesExpression(filter.getEventType()!, record.type);
  return true;
};

export const eventResponse = (record: StoredRecord, structuredIds: boolean): StreamsPb.ReadResp => {
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

export const checkpointResponse = (position: LogPosition): StreamsPb.ReadResp =>
  new streamsPb.ReadResp().setCheckpoint(
    new streamsPb.ReadResp.Checkpoint().setCommitPosition(position.commit.toString()).setPreparePosition(position.prepare.toString()),
  );

export const positionOf = (message: { getCommitPosition(): string; getPreparePosition(): string }): LogPosition => ({
  commit: BigInt(message.getCommitPosition()),
  prepare: BigInt(message.getPreparePosition()),
});


export const notLeaderError = (host: string, port: number): grpc.ServiceError =>
  serverError(grpc.status.NOT_FOUND, 'not-leader', 'Leader info available', { 'leader-endpoint-host': host, 'leader-endpoint-port': String(port) });

export const accessDeniedError = (): grpc.ServiceError => serverError(grpc.status.PERMISSION_DENIED, 'access-denied', 'Access Denied');

export const maxAppendSizeError = (maxAppendSize: number): grpc.ServiceError =>
  serverError(grpc.status.INVALID_ARGUMENT, 'maximum-append-size-exceeded', `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
    'maximum-append-size': String(maxAppendSize),
  });

export const maxAppendEventSizeError = (eventId: string, size: number, maxAppendEventSize: number): grpc.ServiceError =>
  serverError(
    grpc.status.INVALID_ARGUMENT,
    'maximum-append-event-size-exceeded',
    `Event with Id: ${eventId}, Size: ${size}, exceeds Maximum Append Event Size of ${maxAppendEventSize}.`,
    { 'maximum-append-event-size': String(maxAppendEventSize), 'event-id': eventId, 'proposed-append-event-size': String(size) },
  );

/** The size the server charges an event against its limits: type, data and metadata. */
export const eventSize = (record: { readonly type: string; readonly data: Uint8Array; readonly customMetadata: Uint8Array }): number =>
  Buffer.byteLength(record.type) + record.data.length + record.customMetadata.length;

/** A `google.rpc.Status`, as BatchAppend reports each failed append: a code, a name and a packed detail. */
const rpcStatus = (code: CodePb.Code, message: string, detail: Uint8Array, typeName: string): StatusPb.Status => {
  const packed = new anyPb.Any();
  packed.pack(detail, typeName);
  return new statusPb.Status().setCode(code).setMessage(message).setDetails(packed);
};

export const wrongExpectedVersionStatus = (current: bigint | undefined, expected: ExpectedState): StatusPb.Status => {
  const detail = new sharedPb.WrongExpectedVersion();
  if (current === undefined) detail.setCurrentNoStream(new emptyPb.Empty());
  else detail.setCurrentStreamRevision(current.toString());
  if (expected.kind === 'revision') detail.setExpectedStreamPosition(expected.revision.toString());
  else if (expected.kind === 'noStream') detail.setExpectedNoStream(new emptyPb.Empty());
  else if (expected.kind === 'streamExists') detail.setExpectedStreamExists(new emptyPb.Empty());
  else detail.setExpectedAny(new emptyPb.Empty());
  return rpcStatus(codePb.Code.ALREADY_EXISTS, 'WrongExpectedVersion', detail.serializeBinary(), 'event_store.client.WrongExpectedVersion');
};

export const streamDeletedStatus = (streamName: string): StatusPb.Status =>
  rpcStatus(
    codePb.Code.NOT_FOUND,
    'StreamDeleted',
    new sharedPb.StreamDeleted().setStreamIdentifier(identifierFor(streamName)).serializeBinary(),
    'event_store.client.StreamDeleted',
  );

export const accessDeniedStatus = (): StatusPb.Status =>
  rpcStatus(codePb.Code.PERMISSION_DENIED, 'AccessDenied', new sharedPb.AccessDenied().serializeBinary(), 'event_store.client.AccessDenied');

export const timeoutStatus = (): StatusPb.Status =>
  rpcStatus(codePb.Code.DEADLINE_EXCEEDED, 'Timeout', new sharedPb.Timeout().serializeBinary(), 'event_store.client.Timeout');

export const maxAppendSizeStatus = (maxAppendSize: number): StatusPb.Status =>
  rpcStatus(
    codePb.Code.INVALID_ARGUMENT,
    'MaximumAppendSizeExceeded',
    new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(maxAppendSize).serializeBinary(),
    'event_store.client.MaximumAppendSizeExceeded',
  );

/**
 * KurrentDB 25.1's per-event limit. The 6.x client's protos predate the message, so its three
 * fields (event id, proposed size, limit) are encoded here by field number.
 */
export const maxAppendEventSizeStatus = (eventId: string, size: number, maxAppendEventSize: number): StatusPb.Status => {
  const writer = new BinaryWriter();
  writer.writeString(1, eventId);
  writer.writeUint32(2, size);
  writer.writeUint32(3, maxAppendEventSize);
  return rpcStatus(codePb.Code.INVALID_ARGUMENT, 'MaximumAppendEventSizeExceeded', writer.getResultBuffer(), 'event_store.client.MaximumAppendEventSizeExceeded');
};
