import * as grpc from '@grpc/grpc-js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import { streamsPb } from './generated.js';
import type { ExpectedState } from './log.js';
import type { ServedNode } from './served-node.js';
import { accessDeniedError, expectedOf, expectedVersionNumber, serverError, streamDeletedError, streamNameOf } from './wire.js';

/** `Streams.Delete`: a soft delete, `$tb` past the last event. */
export const serveDelete = (
  node: ServedNode,
  call: grpc.ServerUnaryCall<StreamsPb.DeleteReq, StreamsPb.DeleteResp>,
  callback: grpc.sendUnaryData<StreamsPb.DeleteResp>,
): void => {
  node.count('delete');
  const admitted = node.admit(call.metadata);
  if ('error' in admitted) return callback(admitted.error);
  const options = call.request.getOptions()!;
  const streamName = streamNameOf(options.getStreamIdentifier());
  if (!node.allowsOperation(admitted.principal, streamName, '$d')) return callback(accessDeniedError());
  const expected = expectedOf(options);
  const outcome = node.writeLog.delete(streamName, expected);
  if (outcome.kind === 'streamDeleted') return callback(streamDeletedError(streamName));
  if (outcome.kind === 'wrongExpectedVersion') return callback(wrongExpectedVersionError(streamName, expected, outcome.currentRevision));
  callback(
    null,
    new streamsPb.DeleteResp().setPosition(
      new streamsPb.DeleteResp.Position().setCommitPosition(outcome.position.commit.toString()).setPreparePosition(outcome.position.prepare.toString()),
    ),
  );
};

/** `Streams.Tombstone`: a `$streamDeleted` event; reads and appends then fail with `stream-deleted`. */
export const serveTombstone = (
  node: ServedNode,
  call: grpc.ServerUnaryCall<StreamsPb.TombstoneReq, StreamsPb.TombstoneResp>,
  callback: grpc.sendUnaryData<StreamsPb.TombstoneResp>,
): void => {
  node.count('tombstone');
  const admitted = node.admit(call.metadata);
  if ('error' in admitted) return callback(admitted.error);
  const options = call.request.getOptions()!;
  const streamName = streamNameOf(options.getStreamIdentifier());
  if (!node.allowsOperation(admitted.principal, streamName, '$d')) return callback(accessDeniedError());
  const expected = expectedOf(options);
  const outcome = node.writeLog.tombstone(streamName, expected);
  if (outcome.kind === 'streamDeleted') return callback(streamDeletedError(streamName));
  if (outcome.kind === 'wrongExpectedVersion') return callback(wrongExpectedVersionError(streamName, expected, outcome.currentRevision));
  callback(
    null,
    new streamsPb.TombstoneResp().setPosition(
      new streamsPb.TombstoneResp.Position()
        .setCommitPosition(outcome.position.commit.toString())
        .setPreparePosition(outcome.position.prepare.toString()),
    ),
  );
};

const wrongExpectedVersionError = (streamName: string, expected: ExpectedState, current: bigint | undefined): grpc.ServiceError => {
  return serverError(grpc.status.FAILED_PRECONDITION, 'wrong-expected-version', `Wrong expected version for stream '${streamName}'.`, {
    'stream-name': streamName,
    'expected-version': expectedVersionNumber(expected),
    ...(current === undefined ? {} : { 'actual-version': current.toString() }),
  });
};
