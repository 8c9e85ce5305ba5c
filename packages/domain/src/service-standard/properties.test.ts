import { fold } from '@aftersales/core';
import { specify } from '@aftersales/core/testing';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { arbitraryStandardCommands, standardEvents } from '../testing/service-standard.js';
import type { ServiceStandardEvent, ServiceStandardState } from './index.js';
import { ServiceStandardCommand, ServiceStandardEvent as EventSchema, serviceStandard, serviceStandardEventTypes } from './index.js';

const spec = specify(serviceStandard);
const { evolve, initialState } = serviceStandard.decider;

/** The events each command may produce, read off DOMAIN.md independently of the decider. */
const allowedEvents: Record<ServiceStandardCommand['type'], readonly string[][]> = {
  PlanStandard: [['StandardPlanned']],
  DraftStandard: [['StandardDrafted']],
  SubmitStandard: [['StandardSubmitted']],
  ApproveStandard: [['StandardApproved']],
  RejectStandard: [['StandardRejected']],
  PublishStandard: [['StandardPublished'], ['StandardPublished', 'StandardSuperseded']],
  AcknowledgeStandard: [['StandardAcknowledged']],
  RecordTraining: [['TrainingRecorded']],
  RecordAssessment: [['AssessmentRecorded']],
  InspectCompliance: [['ComplianceInspected']],
  RetireStandard: [['StandardRetired']],
};

const versionsOf = (state: ServiceStandardState) => (state.status === 'New' ? [] : state.versions);
const statusOf = (state: ServiceStandardState, version: number) => versionsOf(state).find((entry) => entry.version === version);

interface Step {
  readonly before: ServiceStandardState;
  readonly raw: unknown;
  readonly decision: E.Either<{ code: string; message: string }, readonly ServiceStandardEvent[]>;
}

const run = (commands: readonly unknown[]) => {
  const history: ServiceStandardEvent[] = [];
  const steps: Step[] = [];
  let state = initialState;
  for (const raw of commands) {
    const decision = spec.given(history).when(raw).decision();
    steps.push({ before: state, raw, decision });
    if (E.isRight(decision)) {
      for (const event of decision.right) {
        history.push(event as ServiceStandardEvent);
        state = evolve(state, event as ServiceStandardEvent);
      }
    }
  }
  return { history, steps, state };
};

const checkAccepted = (before: ServiceStandardState, raw: unknown, events: readonly ServiceStandardEvent[]) => {
  const command = ServiceStandardCommand.parse(raw);
  expect(allowedEvents[command.type]).toContainEqual(events.map((event) => event.type));
  expect(before.status).not.toBe('Retired');
  expect(command.metadata.actor.role).not.toBe('Auditor');
  for (const event of events) expect(event.data.standardId).toBe(command.data.standardId);
  if (command.type === 'DraftStandard') {
    const latest = versionsOf(before).at(-1);
    const next = latest === undefined ? 1 : latest.status === 'Draft' || latest.status === 'Planned' ? latest.version : latest.version + 1;
    expect(command.data.version).toBe(next);
    if (latest?.status === 'Planned') expect(events[0]?.type === 'StandardDrafted' && events[0].data.kind).toBe(latest.kind);
  } else if (command.type === 'PlanStandard') {
    const latest = versionsOf(before).at(-1);
    expect(latest === undefined || ['Approved', 'Rejected', 'Published', 'Superseded'].includes(latest.status)).toBe(true);
    expect(command.data.version).toBe(latest === undefined ? 1 : latest.version + 1);
    expect(Date.parse(command.data.dueBy)).toBeGreaterThanOrEqual(Date.parse(command.metadata.at));
  } else if (command.type !== 'RetireStandard') {
    const entry = statusOf(before, command.data.version);
    const expected = {
      SubmitStandard: 'Draft',
      ApproveStandard: 'Submitted',
      RejectStandard: 'Submitted',
      PublishStandard: 'Approved',
      AcknowledgeStandard: 'Published',
      RecordTraining: 'Published',
      RecordAssessment: 'Published',
      InspectCompliance: 'Published',
    }[command.type];
    expect(entry?.status).toBe(expected);
    if ('endpointId' in command.data && entry?.status === 'Published') {
      expect(entry.endpointIds).toContain(command.data.endpointId);
    }
  }
  if (command.type === 'AcknowledgeStandard') {
    expect(command.metadata.actor.id).toBe(command.data.endpointId);
    const entry = statusOf(before, command.data.version);
    expect(entry?.status === 'Published' && entry.acknowledgedBy).not.toContain(command.data.endpointId);
  }
  for (const event of events) {
    if (event.type === 'AssessmentRecorded') expect(event.data.passed).toBe(event.data.score >= event.data.passMark);
    if (event.type === 'StandardSuperseded') {
      expect(statusOf(before, event.data.version)?.status).toBe('Published');
      expect(event.data.supersededBy).toBeGreaterThan(event.data.version);
    }
  }
};

const checkState = (state: ServiceStandardState) => {
  const versions = versionsOf(state);
  versions.forEach((entry, index) => expect(entry.version).toBe(index + 1));
  expect(versions.filter((entry) => entry.status === 'Published').length).toBeLessThanOrEqual(1);
  for (const entry of versions) {
    if (entry.status === 'Published' || entry.status === 'Superseded') {
      expect(new Set(entry.acknowledgedBy).size).toBe(entry.acknowledgedBy.length);
      for (const endpointId of entry.acknowledgedBy) expect(entry.endpointIds).toContain(endpointId);
    }
  }
};

describe('ServiceStandard properties', () => {
  const commands = arbitraryStandardCommands();

  // 400 sequences of up to 47 commands, each decoded twice: several seconds on a busy machine.
  it('any command sequence never throws, refuses with a known code and emits only what the rules allow', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(commands, (sequence) => {
        const { steps, history } = run(sequence);
        let state = initialState;
        for (const step of steps) {
          if (E.isLeft(step.decision)) {
            expect(['InvalidTransition', 'Forbidden', 'InvalidCommand']).toContain(step.decision.left.code);
            expect(step.decision.left.message.length).toBeGreaterThan(0);
          } else {
            checkAccepted(step.before, step.raw, step.decision.right);
            for (const event of step.decision.right) state = evolve(state, event);
            checkState(state);
          }
        }
        for (const event of history) reached.add(event.type);
      }),
      { numRuns: 400 },
    );
    // The generator must reach every event, or the property above proves little.
    expect([...reached].sort()).toEqual([...serviceStandardEventTypes].sort());
  }, 30_000);

  it('folds to the same state however often it is replayed, also after a trip through JSON', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const { history, state } = run(sequence);
        expect(fold(serviceStandard.decider, history)).toEqual(state);
        expect(fold(serviceStandard.decider, history)).toEqual(fold(serviceStandard.decider, history));
        const stored = JSON.parse(JSON.stringify(history)) as unknown[];
        const decoded = stored.map((event) => EventSchema.parse(event));
        expect(fold(serviceStandard.decider, decoded)).toEqual(state);
      }),
      { numRuns: 200 },
    );
  });

  it('evolve folds events in any order without throwing, so a replay never stops half-way', () => {
    const version = fc.integer({ min: 1, max: 3 });
    const endpointId = fc.constantFrom('EP-01', 'EP-02');
    const event: fc.Arbitrary<ServiceStandardEvent> = fc.oneof(
      version.map((n) => standardEvents.planned(n)),
      version.map((n) => standardEvents.drafted(n)),
      version.map(standardEvents.submitted),
      version.map(standardEvents.approved),
      version.map((n) => standardEvents.rejected(n)),
      version.map((n) => standardEvents.published(n)),
      fc.tuple(version, version).map(([n, by]) => standardEvents.superseded(n, by)),
      fc.tuple(version, endpointId).map(([n, id]) => standardEvents.acknowledged(n, id)),
      fc.constant(standardEvents.retired()),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const state = fold(serviceStandard.decider, events);
        expect(['New', 'Established', 'Retired']).toContain(state.status);
      }),
    );
  });
});
