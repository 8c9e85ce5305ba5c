import * as E from 'fp-ts/lib/Either.js';
import { match } from 'ts-pattern';
import { z } from 'zod';
import type { AggregateDefinition } from '../aggregate.js';
import { forbidden } from '../errors.js';
import { CommandMetadata } from '../messages.js';

/**
 * A tiny aggregate that knows nothing of any business, for testing generic machinery (command
 * handling, stores, projections): a counter that may not pass its limit and can be closed.
 */
const Increment = z.strictObject({
  type: z.literal('Increment'),
  data: z.strictObject({ counterId: z.string().min(1), by: z.number().int().positive() }),
  metadata: CommandMetadata,
});
const Close = z.strictObject({
  type: z.literal('Close'),
  data: z.strictObject({ counterId: z.string().min(1) }),
  metadata: CommandMetadata,
});
export const CounterCommand = z.discriminatedUnion('type', [Increment, Close]);
export type CounterCommand = z.infer<typeof CounterCommand>;

export const CounterEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Incremented'), data: z.object({ counterId: z.string(), by: z.number() }) }),
  z.object({ type: z.literal('Closed'), data: z.object({ counterId: z.string() }) }),
]);
export type CounterEvent = z.infer<typeof CounterEvent>;

export type CounterState = { readonly status: 'Open'; readonly value: number } | { readonly status: 'Closed'; readonly value: number };

export const COUNTER_LIMIT = 100;

export const counter: AggregateDefinition<CounterCommand, CounterEvent, CounterState> = {
  name: 'Counter',
  commandSchema: CounterCommand,
  eventSchema: CounterEvent,
  commandTypes: ['Increment', 'Close'],
  streamId: (command) => `Counter-${command.data.counterId}`,
  authorize: (command) =>
    command.metadata.actor.role === 'Clerk' ? E.right(undefined) : E.left(forbidden(`${command.type}: role ${command.metadata.actor.role} may not`)),
  decider: {
    initialState: { status: 'Open', value: 0 },
    decide: (command, state) =>
      match(command)
        .with({ type: 'Increment' }, ({ data }) => {
          if (state.status === 'Closed') return E.left({ code: 'InvalidTransition', message: `counter ${data.counterId} is closed` });
          if (state.value + data.by > COUNTER_LIMIT) {
            return E.left({ code: 'LimitExceeded', message: `counter ${data.counterId} at ${state.value} cannot grow by ${data.by}` });
          }
          return E.right([{ type: 'Incremented' as const, data: { counterId: data.counterId, by: data.by } }]);
        })
        .with({ type: 'Close' }, ({ data }) =>
          state.status === 'Closed'
            ? E.left({ code: 'InvalidTransition', message: `counter ${data.counterId} is already closed` })
            : E.right([{ type: 'Closed' as const, data: { counterId: data.counterId } }]),
        )
        .exhaustive(),
    evolve: (state, event) =>
      match(event)
        .with({ type: 'Incremented' }, ({ data }) => ({ ...state, value: state.value + data.by }))
        .with({ type: 'Closed' }, () => ({ status: 'Closed' as const, value: state.value }))
        .exhaustive(),
  },
};

export const counterCommand = (
  type: 'Increment' | 'Close',
  data: Record<string, unknown>,
  commandId: string,
  role = 'Clerk',
): unknown => ({
  type,
  data,
  metadata: { commandId, actor: { id: 'clerk-1', role }, at: '2026-03-02T09:00:00+08:00' },
});

const CounterStateSchema = z.object({ status: z.enum(['Open', 'Closed']), value: z.number() });

/** The counter with snapshots of its state, of the given version, for testing loads from a snapshot. */
export const snapshottedCounter = (version = 1): AggregateDefinition<CounterCommand, CounterEvent, CounterState> => ({
  ...counter,
  snapshot: { version, schema: CounterStateSchema },
});
