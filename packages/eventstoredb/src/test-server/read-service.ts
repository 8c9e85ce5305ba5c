import * as grpc from '@grpc/grpc-js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import { ALL_STREAM } from './access.js';
import { streamsPb } from './generated.js';
import type { StoredRecord } from './log.js';
import { comparePositions } from './log.js';
import type { ReadCall, ServedNode } from './served-node.js';
import { accessDeniedError, checkpointResponse, eventResponse, identifierFor, matchesFilter, positionOf, serverError, streamDeletedError, streamNameOf } from './wire.js';

type FilterOptions = StreamsPb.ReadReq.Options.FilterOptions;

/** `Streams.Read`: a read of a stream or of `$all`, or a subscription to either. */
export const serveRead = (node: ServedNode, call: ReadCall): void => {
  node.count('read');
  const admitted = node.admit(call.metadata);
  if ('error' in admitted) return void call.emit('error', admitted.error);
  const options = call.request.getOptions();
  if (options === undefined) {
    call.emit('error', serverError(grpc.status.INVALID_ARGUMENT, 'invalid-argument', 'read options are required'));
    return;
  }
  const streamName = options.hasStream() ? streamNameOf(options.getStream()!.getStreamIdentifier()) : ALL_STREAM;
  if (!(options.hasStream() ? node.allows(admitted.principal, streamName, false) : node.allowsOperation(admitted.principal, ALL_STREAM, '$r'))) {
    call.emit('error', accessDeniedError());
    return;
  }
  const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
  const filter = options.hasFilter() ? options.getFilter() : undefined;
  if (options.hasSubscription()) {
    subscribe(node, call, options, filter, structuredIds);
    return;
  }
  const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
  const count = options.hasCount() ? BigInt(options.getCount()) : BigInt(Number.MAX_SAFE_INTEGER);
  let selected: StoredRecord[];
  if (options.hasStream()) {
    const streamOptions = options.getStream()!;
    const view = node.log.view(streamName);
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
    const records = node.log.all;
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
};

/** A subscription: confirmation, history, caught-up, then live events, in one order with nothing lost between. */
const subscribe = (node: ServedNode, call: ReadCall, options: StreamsPb.ReadReq.Options, filter: FilterOptions | undefined, structuredIds: boolean): void => {
  const subscriptionId = node.nextSubscriptionId();
  let accepts: (record: StoredRecord) => boolean;
  let history: StoredRecord[];
  if (options.hasStream()) {
    const streamOptions = options.getStream()!;
    const streamName = streamNameOf(streamOptions.getStreamIdentifier());
    if (node.log.isTombstoned(streamName)) {
      call.emit('error', streamDeletedError(streamName));
      return;
    }
    const records = node.log.visibleRecords(streamName) ?? [];
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
      : node.log.all.filter((record) => after === undefined || comparePositions(record.position, after) > 0);
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
  call.write(new streamsPb.ReadResp().setConfirmation(new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId)));
  for (const record of history) deliver(record);
  // A filtered subscription to `$all` reports where its catch-up read ended, then (since 23.10)
  // marks the switch to live events with a caught-up message.
  if (filter !== undefined && !options.hasStream()) call.write(checkpointResponse(node.log.lastPosition()));
  call.write(new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp()));
  // History and the live hook are set up in one turn of the event loop, so no append falls between.
  const detach = node.log.onAppend((records) => {
    for (const record of records) deliver(record);
  });
  node.liveCalls.add(call);
  const end = () => {
    detach();
    node.liveCalls.delete(call);
  };
  call.on('cancelled', end);
  call.on('close', end);
  call.on('error', end);
};
