import { describe, expect, it } from 'vitest';
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
