import * as grpc from '@grpc/grpc-js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { Principal } from './access.js';
import { emptyPb, sharedPb, streamsPb } from './generated.js';
import type { ExpectedState, ProposedRecord } from './log.js';
import type { BatchCall, ServedNode } from './served-node.js';
import {
  accessDeniedError,
  accessDeniedStatus,
  eventSize,
  expectedOf,
  identifierFor,
  maxAppendEventSizeError,
  maxAppendEventSizeStatus,
  maxAppendSizeError,
  maxAppendSizeStatus,
  serverError,
  streamDeletedError,
  streamDeletedStatus,
  streamNameOf,
  timeoutStatus,
  uuidToString,
  wrongExpectedVersionStatus,
} from './wire.js';

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

/** The checks of one append, in the server's order; undefined when it may be written. */
const refuseAppend = (
  node: ServedNode,
  principal: Principal | undefined,
  streamName: string,
  proposed: readonly ProposedRecord[],
): { readonly kind: 'accessDenied' } | { readonly kind: 'tooLarge' } | { readonly kind: 'eventTooLarge'; readonly eventId: string; readonly size: number } | undefined => {
  if (!node.allows(principal, streamName, true)) return { kind: 'accessDenied' };
  const limit = node.maxAppendEventSize;
  for (const record of proposed) {
    const size = eventSize(record);
    if (limit !== undefined && size > limit) return { kind: 'eventTooLarge', eventId: record.eventId, size };
  }
  return proposed.reduce((sum, record) => sum + eventSize(record), 0) > node.maxAppendSize ? { kind: 'tooLarge' } : undefined;
};

/** `Streams.Append`: the options message, then the proposed events, one answer. */
export const serveAppend = (
  node: ServedNode,
  call: grpc.ServerReadableStream<StreamsPb.AppendReq, StreamsPb.AppendResp>,
  callback: grpc.sendUnaryData<StreamsPb.AppendResp>,
): void => {
  node.count('append');
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
    if (node.appendsStalled()) return;
    const admitted = node.admit(call.metadata);
    if ('error' in admitted) return callback(admitted.error);
    if (invalid !== undefined) return callback(invalid);
    if (options === undefined) return callback(serverError(grpc.status.INVALID_ARGUMENT, 'invalid-argument', 'append options are required'));
    const streamName = streamNameOf(options.getStreamIdentifier());
    const refused = refuseAppend(node, admitted.principal, streamName, proposed);
    if (refused?.kind === 'accessDenied') return callback(accessDeniedError());
    if (refused?.kind === 'tooLarge') return callback(maxAppendSizeError(node.maxAppendSize));
    if (refused?.kind === 'eventTooLarge') return callback(maxAppendEventSizeError(refused.eventId, refused.size, node.maxAppendEventSize!));
    const expected = expectedOf(options);
    node.runBeforeAppend();
    const outcome = node.writeLog.append(streamName, expected, proposed);
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
};

/**
 * BatchAppend: one duplex call shared by all of a client's appends, each a correlation id with
 * options, events and a final flag. Each append's failure is a `google.rpc.Status` in its response;
 * a NotLeader ends the whole call, as the server throws it. The deadline is a point in time on the
 * client's clock, compared here with the server's own.
 */
export const serveBatchAppend = (node: ServedNode, call: BatchCall): void => {
  const pending = new Map<string, { options: StreamsPb.BatchAppendReq.Options; proposed: ProposedRecord[]; invalid: boolean }>();
  node.batchCalls.add(call);
  const admitted = node.admit(call.metadata);
  call.on('data', (request: StreamsPb.BatchAppendReq) => {
    if (node.appendsStalled()) return;
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
    node.count('batchAppend');
    if ('error' in admitted) {
      call.emit('error', admitted.error);
      return;
    }
    const streamName = streamNameOf(entry.options.getStreamIdentifier());
    const deadline = entry.options.getDeadline()?.toDate();
    if (deadline !== undefined && deadline.getTime() <= node.clock().getTime()) return void call.write(respond(streamName).setError(timeoutStatus()));
    const refused = refuseAppend(node, admitted.principal, streamName, entry.proposed);
    if (refused?.kind === 'accessDenied') return void call.write(respond(streamName).setError(accessDeniedStatus()));
    if (refused?.kind === 'tooLarge') return void call.write(respond(streamName).setError(maxAppendSizeStatus(node.maxAppendSize)));
    if (refused?.kind === 'eventTooLarge') {
      return void call.write(respond(streamName).setError(maxAppendEventSizeStatus(refused.eventId, refused.size, node.maxAppendEventSize!)));
    }
    if (entry.invalid) return void call.emit('error', missingMetadataError());
    const expected = batchExpectedOf(entry.options);
    node.runBeforeAppend();
    const outcome = node.writeLog.append(streamName, expected, entry.proposed);
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
    node.batchCalls.delete(call);
    call.end();
  });
};
