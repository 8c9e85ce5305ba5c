import * as grpc from '@grpc/grpc-js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import { streamsPb } from './generated.js';
import type { ExpectedState, LogPosition } from './log.js';
import type { ServedNode } from './served-node.js';
import { accessDeniedError, expectedOf, expectedVersionNumber, serverError, streamDeletedError, streamNameOf } from './wire.js';

type DeleteOptions = StreamsPb.DeleteReq.Options | StreamsPb.TombstoneReq.Options;

/** The checks and the write both removals share; the position of the removal, or the error to answer with. */
const remove = (node: ServedNode, kind: 'delete' | 'tombstone', metadata: grpc.Metadata, options: DeleteOptions): { readonly error: grpc.ServiceError } | { readonly position: LogPosition } => {
  node.count(kind);
  const admitted = node.admit(metadata);
  if ('error' in admitted) return admitted;
  const streamName = streamNameOf(options.getStreamIdentifier());
  if (!node.allowsOperation(admitted.principal, streamName, '$d')) return { error: accessDeniedError() };
  const expected = expectedOf(options);
  const outcome = kind === 'delete' ? node.writeLog.delete(streamName, expected) : node.writeLog.tombstone(streamName, expected);
  if (outcome.kind === 'streamDeleted') return { error: streamDeletedError(streamName) };
  if (outcome.kind === 'wrongExpectedVersion') return { error: wrongExpectedVersionError(streamName, expected, outcome.currentRevision) };
  return { position: outcome.position };
};

/** `Streams.Delete`: a soft delete, `$tb` past the last event. */
export const serveDelete = (
  node: ServedNode,
  call: grpc.ServerUnaryCall<StreamsPb.DeleteReq, StreamsPb.DeleteResp>,
  callback: grpc.sendUnaryData<StreamsPb.DeleteResp>,
): void => {
  const removed = remove(node, 'delete', call.metadata, call.request.getOptions()!);
  if ('error' in removed) return callback(removed.error);
  const { commit, prepare } = removed.position;
  callback(null, new streamsPb.DeleteResp().setPosition(new streamsPb.DeleteResp.Position().setCommitPosition(commit.toString()).setPreparePosition(prepare.toString())));
};

/** `Streams.Tombstone`: a `$streamDeleted` event; reads and appends then fail with `stream-deleted`. */
export const serveTombstone = (
  node: ServedNode,
  call: grpc.ServerUnaryCall<StreamsPb.TombstoneReq, StreamsPb.TombstoneResp>,
  callback: grpc.sendUnaryData<StreamsPb.TombstoneResp>,
): void => {
  const removed = remove(node, 'tombstone', call.metadata, call.request.getOptions()!);
  if ('error' in removed) return callback(removed.error);
  const { commit, prepare } = removed.position;
  callback(null, new streamsPb.TombstoneResp().setPosition(new streamsPb.TombstoneResp.Position().setCommitPosition(commit.toString()).setPreparePosition(prepare.toString())));
};

const wrongExpectedVersionError = (streamName: string, expected: ExpectedState, current: bigint | undefined): grpc.ServiceError =>
  serverError(grpc.status.FAILED_PRECONDITION, 'wrong-expected-version', `Wrong expected version for stream '${streamName}'.`, {
    'stream-name': streamName,
    'expected-version': expectedVersionNumber(expected),
    ...(current === undefined ? {} : { 'actual-version': current.toString() }),
  });
