import type { EventStoreDBClient } from '@eventstore/db-client';
import type { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AnyClient, EventStoreDBClientLike, KurrentDBClientLike } from './client.js';
import { clientChoiceOf } from './client.js';

describe('the client a connection string names', () => {
  it.each([
    ['esdb://localhost:2113?tls=false', 'eventstore'],
    ['esdb+discover://cluster.example.com:2113', 'eventstore'],
    ['kurrentdb://localhost:2113?tls=false', 'kurrent'],
    ['kurrentdb+discover://cluster.example.com:2113', 'kurrent'],
    ['kurrent://localhost:2113', 'kurrent'],
    ['kdb://localhost:2113', 'kurrent'],
  ] as const)('%s goes through the %s client', (connectionString, choice) => {
    expect(clientChoiceOf(connectionString)).toBe(choice);
  });

  it('follows the option over the scheme', () => {
    expect(clientChoiceOf('esdb://localhost:2113', 'kurrent')).toBe('kurrent');
    expect(clientChoiceOf('kurrentdb://localhost:2113', 'eventstore')).toBe('eventstore');
  });
});

describe('the client shapes the adapter declares itself', () => {
  it('are met by both official clients, so a client the caller created is accepted without a cast', () => {
    expectTypeOf<EventStoreDBClient>().toExtend<EventStoreDBClientLike>();
    expectTypeOf<KurrentDBClient>().toExtend<KurrentDBClientLike>();
    expectTypeOf<EventStoreDBClient>().toExtend<AnyClient>();
    expectTypeOf<KurrentDBClient>().toExtend<AnyClient>();
  });
});
