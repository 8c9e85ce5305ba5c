import * as E from 'fp-ts/lib/Either.js';
import type { Projection, RecordedEvent } from '@aftersales/core';
import type { DepartmentEvent } from '@aftersales/domain';
import { z } from 'zod';
import { decodeDepartmentEvent } from './decode.js';
import { internerFor } from './interning.js';

/**
 * Reads and writes a record by an id taken from event data. Ids are free text, and `__proto__` as a
 * plain property key would reach the prototype instead of an entry, so entries are own properties.
 */
export const entryOf = <V>(record: Readonly<Record<string, V>>, key: string): V | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);
export const putEntry = <V>(record: Record<string, V>, key: string, value: V): void => {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
};

/** `z.record` of string keys that keeps every own key, `__proto__` included, as `putEntry` writes them. */
const ownRecord = <V extends z.ZodType>(value: V) =>
  z
    .custom<Record<string, unknown>>((input) => typeof input === 'object' && input !== null && !Array.isArray(input), 'expected an object')
    .transform((input, context) => {
      const output: Record<string, z.output<V>> = {};
      for (const key of Object.keys(input)) {
        const parsed = value.safeParse(input[key]);
        if (parsed.success) putEntry(output, key, parsed.data);
        else for (const issue of parsed.error.issues) context.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
      }
      return output;
    });

/** Where a fact came from: the event's type, business time, stream, revision and global position. */
export const Evidence = z.object({
  type: z.string(),
  at: z.string(),
  /** `at` as milliseconds since the epoch, parsed once: KPI queries compare times of every item. */
  epochMs: z.number(),
  streamId: z.string(),
  revision: z.number().int().nonnegative(),
  position: z.string(),
});
export type Evidence = z.infer<typeof Evidence>;

const Inspection = z.object({ evidence: Evidence, passed: z.boolean(), attempt: z.number().int().positive() });
export type InspectionFact = z.infer<typeof Inspection>;

const Promise_ = z.object({ evidence: Evidence, promisedBy: z.string(), specialistId: z.string() });
export type PromiseFact = z.infer<typeof Promise_>;

export const OrderFacts = z.object({
  orderId: z.string(),
  endpointId: z.string(),
  received: Evidence,
  confirmations: z.array(Evidence),
  /** Every schedule and reschedule in order: the promise in force at an instant is the last one set by then. */
  promises: z.array(Promise_),
  completions: z.array(z.object({ evidence: Evidence, specialistId: z.string() })),
  repairInspections: z.array(Inspection),
  finishes: z.array(z.object({ evidence: Evidence, specialistId: z.string() })),
  finishingInspections: z.array(Inspection),
  feedback: z.object({ evidence: Evidence, satisfied: z.boolean() }).optional(),
  cancelled: Evidence.optional(),
});
export type OrderFacts = z.infer<typeof OrderFacts>;

export const StandardVersionFacts = z.object({
  standardId: z.string(),
  version: z.number().int().positive(),
  published: z.object({ evidence: Evidence, endpointIds: z.array(z.string()) }).optional(),
  superseded: z.object({ evidence: Evidence, supersededBy: z.number().int() }).optional(),
  /** When the standard was retired while this version was the published one. */
  retired: Evidence.optional(),
  acknowledgements: ownRecord(Evidence),
});
export type StandardVersionFacts = z.infer<typeof StandardVersionFacts>;

export const ComplianceFact = z.object({
  evidence: Evidence,
  standardId: z.string(),
  version: z.number().int(),
  endpointId: z.string(),
  compliant: z.boolean(),
  findings: z.array(z.string()),
});
export type ComplianceFact = z.infer<typeof ComplianceFact>;

export const AssessmentFact = z.object({
  evidence: Evidence,
  standardId: z.string(),
  version: z.number().int(),
  endpointId: z.string(),
  employeeId: z.string(),
  score: z.number(),
  passMark: z.number(),
  passed: z.boolean(),
});
export type AssessmentFact = z.infer<typeof AssessmentFact>;

export const AppraisalFacts = z.object({
  appraisalId: z.string(),
  employeeId: z.string(),
  cycle: z.string(),
  dueBy: z.string(),
  planned: Evidence,
  completed: z.object({ evidence: Evidence, rating: z.string(), competent: z.boolean() }).optional(),
  decisions: z.array(z.object({ evidence: Evidence, kind: z.string(), approved: z.boolean() })),
});
export type AppraisalFacts = z.infer<typeof AppraisalFacts>;

export const BudgetFacts = z.object({
  budgetId: z.string(),
  fiscalYear: z.number().int(),
  /** The line amounts as the general manager approved them. */
  approvedLines: ownRecord(z.number()),
  adjustments: z.array(z.object({ evidence: Evidence, category: z.string(), previousAmount: z.number(), amount: z.number() })),
  closed: z
    .object({
      evidence: Evidence,
      lines: z.array(z.object({ category: z.string(), originalAmount: z.number(), amount: z.number(), approvedSpend: z.number() })),
    })
    .optional(),
});
export type BudgetFacts = z.infer<typeof BudgetFacts>;

export const KpiFactsState = z.object({
  /** The global position of the last event applied, as a decimal string (JSON has no bigint). */
  position: z.string().optional(),
  orders: ownRecord(OrderFacts),
  standardVersions: ownRecord(StandardVersionFacts),
  complianceInspections: z.array(ComplianceFact),
  assessments: z.array(AssessmentFact),
  appraisals: ownRecord(AppraisalFacts),
  budgets: ownRecord(BudgetFacts),
  /** Department events that did not decode: left out of every KPI and listed so that nobody misses them. */
  undecodable: z.array(z.object({ evidence: Evidence, problem: z.string() })),
});
export type KpiFactsState = z.infer<typeof KpiFactsState>;

export const emptyKpiFacts = (): KpiFactsState => ({
  orders: {},
  standardVersions: {},
  complianceInspections: [],
  assessments: [],
  appraisals: {},
  budgets: {},
  undecodable: [],
});

export const standardVersionKey = (standardId: string, version: number): string => `${standardId}@${version}`;

const internerOf = internerFor();

/** The evidence of an event, sharing its type and stream id with the facts' earlier evidence, and its position string with the state's. */
const evidenceOf = (state: KpiFactsState, recorded: RecordedEvent, position: string): Evidence => {
  const interner = internerOf(state);
  return {
    type: interner.string(recorded.type),
    at: recorded.metadata.occurredAt,
    epochMs: Date.parse(recorded.metadata.occurredAt),
    streamId: interner.string(recorded.streamId),
    revision: recorded.revision,
    position,
  };
};

type Handler<T extends DepartmentEvent['type']> = (state: KpiFactsState, data: Extract<DepartmentEvent, { type: T }>['data'], evidence: Evidence, recorded: RecordedEvent) => void;

const orderOf = (state: KpiFactsState, orderId: string): OrderFacts | undefined => entryOf(state.orders, orderId);
const appraisalOf = (state: KpiFactsState, appraisalId: string): AppraisalFacts | undefined => entryOf(state.appraisals, appraisalId);
const budgetOf = (state: KpiFactsState, budgetId: string): BudgetFacts | undefined => entryOf(state.budgets, budgetId);

const standardVersionOf = (state: KpiFactsState, standardId: string, version: number): StandardVersionFacts => {
  const key = standardVersionKey(standardId, version);
  const existing = entryOf(state.standardVersions, key);
  if (existing !== undefined) return existing;
  const created: StandardVersionFacts = { standardId, version, acknowledgements: {} };
  putEntry(state.standardVersions, key, created);
  return created;
};

const ignored = (): void => undefined;

// Keyed by every event type, so the compiler still demands a handler for each, and finding one is a
// single lookup rather than trying each pattern in turn for every event of a rebuild.
const handlers: { readonly [T in DepartmentEvent['type']]: Handler<T> } = {
  RepairOrderReceived: (state, data, evidence) => {
    putEntry(state.orders, data.orderId, {
      orderId: data.orderId,
      endpointId: data.endpointId,
      received: evidence,
      confirmations: [],
      promises: [],
      completions: [],
      repairInspections: [],
      finishes: [],
      finishingInspections: [],
    });
  },
  ReceiptConfirmed: (state, data, evidence) => {
    orderOf(state, data.orderId)?.confirmations.push(evidence);
  },
  RepairScheduled: (state, data, evidence) => {
    orderOf(state, data.orderId)?.promises.push({ evidence, promisedBy: data.promisedBy, specialistId: data.specialistId });
  },
  RepairRescheduled: (state, data, evidence) => {
    const facts = orderOf(state, data.orderId);
    if (facts === undefined) return;
    const specialistId = facts.promises.at(-1)?.specialistId ?? '';
    facts.promises.push({ evidence, promisedBy: data.promisedBy, specialistId });
  },
  RepairCompleted: (state, data, evidence) => {
    orderOf(state, data.orderId)?.completions.push({ evidence, specialistId: data.specialistId });
  },
  RepairInspected: (state, data, evidence) => {
    orderOf(state, data.orderId)?.repairInspections.push({ evidence, passed: data.passed, attempt: data.attempt });
  },
  GarmentFinished: (state, data, evidence, recorded) => {
    orderOf(state, data.orderId)?.finishes.push({ evidence, specialistId: internerOf(state).string(recorded.metadata.actor.id) });
  },
  FinishingInspected: (state, data, evidence) => {
    orderOf(state, data.orderId)?.finishingInspections.push({ evidence, passed: data.passed, attempt: data.attempt });
  },
  FeedbackRecorded: (state, data, evidence) => {
    const facts = orderOf(state, data.orderId);
    if (facts !== undefined) facts.feedback = { evidence, satisfied: data.satisfied };
  },
  RepairOrderCancelled: (state, data, evidence) => {
    const facts = orderOf(state, data.orderId);
    if (facts !== undefined) facts.cancelled = evidence;
  },
  RepairStarted: ignored,
  GarmentPackaged: ignored,
  GarmentReturned: ignored,
  ReturnConfirmed: ignored,
  RepairOrderClosed: ignored,
  StandardPublished: (state, data, evidence) => {
    standardVersionOf(state, data.standardId, data.version).published = { evidence, endpointIds: [...data.endpointIds] };
  },
  StandardSuperseded: (state, data, evidence) => {
    standardVersionOf(state, data.standardId, data.version).superseded = { evidence, supersededBy: data.supersededBy };
  },
  StandardAcknowledged: (state, data, evidence) => {
    const facts = standardVersionOf(state, data.standardId, data.version);
    if (entryOf(facts.acknowledgements, data.endpointId) === undefined) putEntry(facts.acknowledgements, data.endpointId, evidence);
  },
  StandardRetired: (state, data, evidence) => {
    for (const facts of Object.values(state.standardVersions)) {
      if (facts.standardId === data.standardId && facts.published !== undefined && facts.superseded === undefined && facts.retired === undefined) {
        facts.retired = evidence;
      }
    }
  },
  ComplianceInspected: (state, data, evidence) => {
    state.complianceInspections.push({ evidence, ...data, findings: [...data.findings] });
  },
  AssessmentRecorded: (state, data, evidence) => {
    state.assessments.push({ evidence, ...data });
  },
  StandardDrafted: ignored,
  StandardSubmitted: ignored,
  StandardApproved: ignored,
  StandardRejected: ignored,
  TrainingRecorded: ignored,
  AppraisalPlanned: (state, data, evidence) => {
    putEntry(state.appraisals, data.appraisalId, {
      appraisalId: data.appraisalId,
      employeeId: data.employeeId,
      cycle: data.cycle,
      dueBy: data.dueBy,
      planned: evidence,
      decisions: [],
    });
  },
  AppraisalCompleted: (state, data, evidence) => {
    const facts = appraisalOf(state, data.appraisalId);
    if (facts !== undefined) facts.completed = { evidence, rating: data.rating, competent: data.competent };
  },
  RecommendationDecided: (state, data, evidence) => {
    appraisalOf(state, data.appraisalId)?.decisions.push({ evidence, kind: data.kind, approved: data.approved });
  },
  AppraisalScored: ignored,
  RecommendationProposed: ignored,
  AppraisalAcknowledged: ignored,
  BudgetDrafted: (state, data) => {
    if (entryOf(state.budgets, data.budgetId) === undefined) {
      putEntry(state.budgets, data.budgetId, { budgetId: data.budgetId, fiscalYear: data.fiscalYear, approvedLines: {}, adjustments: [] });
    }
  },
  BudgetApproved: (state, data) => {
    const facts = budgetOf(state, data.budgetId);
    if (facts === undefined) return;
    facts.approvedLines = {};
    for (const line of data.lines) putEntry(facts.approvedLines, line.category, line.amount);
  },
  LineAdjusted: (state, data, evidence) => {
    budgetOf(state, data.budgetId)?.adjustments.push({ evidence, category: data.category, previousAmount: data.previousAmount, amount: data.amount });
  },
  BudgetClosed: (state, data, evidence) => {
    const facts = budgetOf(state, data.budgetId);
    if (facts !== undefined) facts.closed = { evidence, lines: data.lines.map((line) => ({ ...line })) };
  },
  BudgetSubmitted: ignored,
  BudgetReviewed: ignored,
  ExpenseClaimed: ignored,
  ExpenseApproved: ignored,
  ExpenseRejected: ignored,
};

/**
 * Applies one event to the facts. The state is updated in place and returned: a projection runner
 * owns its state, and copying every order on every event would make a rebuild quadratic. An event
 * at or before the state's position is ignored, so redelivery changes nothing even without a runner.
 */
export const evolveKpiFacts = (state: KpiFactsState, recorded: RecordedEvent): KpiFactsState => {
  if (state.position !== undefined && recorded.globalPosition <= BigInt(state.position)) return state;
  const position = recorded.globalPosition.toString();
  state.position = position;
  const decoded = decodeDepartmentEvent(recorded);
  if (decoded.kind === 'foreign') return state;
  const evidence = evidenceOf(state, recorded, position);
  if (decoded.kind === 'undecodable') {
    state.undecodable.push({ evidence, problem: decoded.problem });
    return state;
  }
  const { event } = decoded;
  (handlers[event.type] as Handler<DepartmentEvent['type']>)(state, event.data, evidence, recorded);
  return state;
};

/** Decodes a saved state; zod builds fresh objects, so the saved copy is never shared with a live state. */
export const deserializeKpiFacts = (stored: unknown): E.Either<string, KpiFactsState> => {
  const parsed = KpiFactsState.safeParse(stored);
  return parsed.success ? E.right(parsed.data) : E.left(parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; '));
};

/**
 * The facts every KPI is computed from, per item. Its `initialState` is a fresh value on every read,
 * because `evolve` updates the state in place.
 */
export const kpiFactsProjection: Projection<KpiFactsState> = {
  name: 'kpi-facts',
  get initialState() {
    return emptyKpiFacts();
  },
  evolve: evolveKpiFacts,
  filter: { streamPrefixes: ['RepairOrder-', 'ServiceStandard-', 'Appraisal-', 'Budget-'] },
  serialize: (state) => state,
  deserialize: deserializeKpiFacts,
};
