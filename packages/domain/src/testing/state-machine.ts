import type { AggregateDefinition, Command, DomainEvent } from '@aftersales/core';
import { decodeCommand, fold } from '@aftersales/core';
import { specify } from '@aftersales/core/testing';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';

/** The metadata a test may set on a command it builds; each aggregate's builder has defaults for both. */
export interface CommandMetadataOptions {
  readonly commandId?: string;
  readonly at?: string;
}

/**
 * A raw command as JSON would carry it, sent at `at` by `actor`. Every aggregate's builder in
 * `testing/` has this shape, `(type, data, actor, { commandId, at })`, with defaults of its own.
 */
export const rawCommand = (
  type: string,
  data: Record<string, unknown>,
  actor: { readonly id: string; readonly role: string },
  metadata: CommandMetadataOptions = {},
) => ({
  type,
  data,
  metadata: { commandId: metadata.commandId ?? `${type}-1`, actor, at: metadata.at ?? '2026-03-02T09:00:00+08:00' },
});

/**
 * The builder of an aggregate's commands in that shape, for the aggregate `idKey: id` unless the
 * data says otherwise, sent by `defaultActor` unless told otherwise.
 */
export const commandBuilder =
  <Type extends string>(idKey: string, id: string, defaultActor: { readonly id: string; readonly role: string }) =>
  (type: Type, data: Record<string, unknown> = {}, actor: { readonly id: string; readonly role: string } = defaultActor, metadata: CommandMetadataOptions = {}) =>
    rawCommand(type, { [idKey]: id, ...data }, actor, metadata);

export interface StateMachine<C extends Command, E extends DomainEvent, S> {
  readonly definition: AggregateDefinition<C, E, S>;
  /** Sequences of raw commands, valid or not, for one stream. */
  readonly commands: fc.Arbitrary<readonly unknown[]>;
  /** The events each command type may produce, read off DOMAIN.md independently of the decider. */
  readonly allowedEvents: Readonly<Record<C['type'], readonly (readonly string[])[]>>;
  /** The event types the generator must reach, all of the aggregate's by default. */
  readonly eventTypes: readonly string[];
  /** What must hold of an accepted command, given the state before it. */
  readonly accepted?: (before: S, command: C, events: readonly E[]) => void;
  /** What must hold of every state reached. */
  readonly invariant?: (state: S) => void;
  readonly numRuns?: number;
}

/**
 * The properties every state machine of the department has: any command sequence never throws,
 * refuses with a known code and a message, emits only what the rules allow and keeps the invariant;
 * the generator reaches every event; and folding the history (also after a trip through JSON and the
 * event schema) gives the state reached step by step.
 */
export const checkStateMachine = <C extends Command, E extends DomainEvent, S>(machine: StateMachine<C, E, S>): void => {
  const { definition } = machine;
  const spec = specify(definition);
  const reached = new Set<string>();
  fc.assert(
    fc.property(machine.commands, (sequence) => {
      const history: E[] = [];
      let state = definition.decider.initialState;
      for (const raw of sequence) {
        const decision = spec.given(history).when(raw).decision();
        if (E.isLeft(decision)) {
          expect(['InvalidTransition', 'Forbidden', 'InvalidCommand']).toContain(decision.left.code);
          expect(decision.left.message.length).toBeGreaterThan(0);
          continue;
        }
        const command = decodeCommand(definition.commandSchema, raw);
        if (E.isLeft(command)) throw new Error('an accepted command must decode');
        expect(command.right.metadata.actor.role).not.toBe('Auditor');
        expect(machine.allowedEvents[command.right.type as C['type']]).toContainEqual(decision.right.map((event) => event.type));
        machine.accepted?.(state, command.right, decision.right);
        for (const event of decision.right) {
          history.push(event);
          reached.add(event.type);
          state = definition.decider.evolve(state, event);
        }
        machine.invariant?.(state);
      }
      expect(fold(definition.decider, history)).toEqual(state);
      const decoded = (JSON.parse(JSON.stringify(history)) as unknown[]).map((event) => definition.eventSchema.parse(event));
      expect(fold(definition.decider, decoded)).toEqual(state);
    }),
    { numRuns: machine.numRuns ?? 150 },
  );
  // The generator must reach every event, or the properties above prove little.
  expect([...reached].sort()).toEqual([...machine.eventTypes].sort());
};
