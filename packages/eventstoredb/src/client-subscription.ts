import type { AllStreamResolvedEvent, AllStreamSubscription, EventStoreDBClient, Filter } from '@eventstore/db-client';
import { START, eventTypeFilter, streamNameFilter } from '@eventstore/db-client';
import type { EventFilter } from '@aftersales/core';
import { fromGlobalPosition } from './position.js';

/** Stands in the subscription's item sequence exactly where the server said "caught up". */
export interface CaughtUpMarker {
  readonly caughtUpMarker: true;
}

export type SubscriptionItem = AllStreamResolvedEvent | CaughtUpMarker;

export const isCaughtUpMarker = (item: SubscriptionItem): item is CaughtUpMarker => 'caughtUpMarker' in item;

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The server-side part of a filter. The server filters on one thing, so stream prefixes win when
 * both are given and event types are then checked here; without a filter, system event types are
 * dropped on the server.
 */
export const serverFilter = (filter: EventFilter | undefined): Filter => {
  if (filter?.streamPrefixes !== undefined) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  if (filter?.eventTypes !== undefined) return eventTypeFilter({ regex: `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$` });
  return eventTypeFilter({ regex: '^[^$]' });
};

/**
 * Opens a catch-up subscription to `$all` strictly after `after` (from the start when absent). The
 * client reports "caught up" as a stream event, which can overtake events still buffered; putting a
 * marker into the stream's own buffer at that moment keeps it in wire order.
 */
export const openAllSubscription = (
  client: EventStoreDBClient,
  after: bigint | undefined,
  filter: EventFilter | undefined,
): { readonly subscription: AllStreamSubscription; readonly items: AsyncIterable<SubscriptionItem> } => {
  const subscription = client.subscribeToAll({
    fromPosition: after === undefined ? START : fromGlobalPosition(after),
    filter: serverFilter(filter),
  });
  subscription.on('caughtUp', () => {
    subscription.push({ caughtUpMarker: true } satisfies CaughtUpMarker);
  });
  return { subscription, items: subscription as AsyncIterable<SubscriptionItem> };
};
