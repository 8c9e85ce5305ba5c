import type { RecordedEvent } from '@aftersales/core';
import type { DepartmentEvent } from '@aftersales/domain';
import type { Decoded } from './decode.js';
import { decodeDepartmentEvent } from './decode.js';
import { applyToSubject, evidenceOf } from './facts/apply.js';
import type { SubjectFacts, UndecodableEvent } from './facts/schema.js';
import { subjectOfEvent } from './facts/subjects.js';

/**
 * The KPI facts of a whole log in memory: every subject by key, and the department events that did
 * not decode. The reference every stored read model is checked against, and what `report` folds.
 */
export interface KpiFacts {
  readonly subjects: Map<string, SubjectFacts>;
  readonly undecodable: UndecodableEvent[];
  /** The global position of the last event folded. */
  position: bigint | undefined;
}

export const emptyKpiFacts = (): KpiFacts => ({ subjects: new Map(), undecodable: [], position: undefined });

/** The streams whose events the KPIs read. */
export const KPI_STREAM_PREFIXES: readonly string[] = [
  'RepairOrder-',
  'ServiceStandard-',
  'Appraisal-',
  'Budget-',
  'Improvement-',
  'Suggestion-',
  'Assignment-',
  'Employee-',
  'JobDescription-',
];

/**
 * What one decoded event does to the KPI facts: the subject it updates, or the undecodable entry it
 * adds. Decoding happens once, by the caller, and serves the audit trail too.
 */
export type KpiEffect =
  | { readonly kind: 'none' }
  | { readonly kind: 'subject'; readonly key: string; readonly event: DepartmentEvent }
  | { readonly kind: 'undecodable'; readonly entry: UndecodableEvent };

export const kpiEffectOf = (recorded: RecordedEvent, decoded: Decoded): KpiEffect => {
  if (!KPI_STREAM_PREFIXES.some((prefix) => recorded.streamId.startsWith(prefix))) return { kind: 'none' };
  if (decoded.kind === 'foreign') return { kind: 'none' };
  if (decoded.kind === 'undecodable') return { kind: 'undecodable', entry: { evidence: evidenceOf(recorded), problem: decoded.problem } };
  const key = subjectOfEvent(decoded.event, recorded);
  return key === undefined ? { kind: 'none' } : { kind: 'subject', key, event: decoded.event };
};

/**
 * Folds one event into facts held in memory, in place. An event at or before the facts' position is
 * ignored, so redelivery changes nothing.
 */
export const foldKpiFacts = (facts: KpiFacts, recorded: RecordedEvent, decoded: Decoded = decodeDepartmentEvent(recorded)): KpiFacts => {
  if (facts.position !== undefined && recorded.globalPosition <= facts.position) return facts;
  facts.position = recorded.globalPosition;
  const effect = kpiEffectOf(recorded, decoded);
  if (effect.kind === 'undecodable') facts.undecodable.push(effect.entry);
  if (effect.kind === 'subject') {
    const updated = applyToSubject(facts.subjects.get(effect.key), effect.event, recorded);
    if (updated !== undefined) facts.subjects.set(effect.key, updated);
  }
  return facts;
};
