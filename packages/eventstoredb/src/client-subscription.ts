import type { EventFilter } from '@aftersales/core';
import type { StreamsClient, WireFilter, WireResolvedEvent, WireSubscription } from './client.js';
import { fromGlobalPosition } from './position.js';

/** Stands in the subscription's item sequence exactly where the server said "caught up". */
export interface CaughtUpMarker {
  readonly caughtUpMarker: true;
}

export type SubscriptionItem = WireResolvedEvent | CaughtUpMarker;

export const isCaughtUpMarker = (item: SubscriptionItem): item is CaughtUpMarker => 'caughtUpMarker' in item;

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The server-side part of a filter. The server filters on one thing, so stream prefixes win when
 * both are given (the application's own prefixes when the caller gave none) and event types are then
 * checked here. Without any, the server drops `$` streams and the streams under `excludedPrefixes`
 * (the adapter's own: projection checkpoints, the log's settings), so none crosses the network.
 */
export const serverFilter = (filter: EventFilter | undefined, applicationPrefixes: readonly string[] | undefined, excludedPrefixes: readonly string[]): WireFilter => {
  const prefixes = filter?.streamPrefixes ?? applicationPrefixes;
  if (prefixes !== undefined) return { on: 'streamName', prefixes };
  if (filter?.eventTypes !== undefined) return { on: 'eventType', regex: `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$` };
  return { on: 'streamName', regex: `^(?!\\$|${excludedPrefixes.map(escapeRegex).join('|')})` };
};

/**
 * Opens a catch-up subscription to `$all` strictly after `after` (from the start when absent). The
 * client reports "caught up" as a stream event, which can overtake events still buffered; putting a
 * marker into the stream's own buffer at that moment keeps it in wire order.
 */
export const openAllSubscription = (
  client: StreamsClient,
  after: bigint | undefined,
  filter: WireFilter,
): { readonly subscription: WireSubscription; readonly items: AsyncIterable<SubscriptionItem> } => {
  const subscription = client.subscribeToAll({ fromPosition: after === undefined ? 'start' : fromGlobalPosition(after), filter });
  subscription.on('caughtUp', () => {
    subscription.push({ caughtUpMarker: true } satisfies CaughtUpMarker);
  });
  return { subscription, items: subscription as AsyncIterable<SubscriptionItem> };
};
