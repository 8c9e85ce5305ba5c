import * as E from 'fp-ts/lib/Either.js';
import type { Projection, RecordedEvent } from '@aftersales/core';
import { match } from 'ts-pattern';
import { z } from 'zod';
import { decodeDepartmentEvent } from './decode.js';

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

const evidenceOf = (recorded: RecordedEvent): Evidence => ({
  type: recorded.type,
  at: recorded.metadata.occurredAt,
  epochMs: Date.parse(recorded.metadata.occurredAt),
  streamId: recorded.streamId,
  revision: recorded.revision,
  position: recorded.globalPosition.toString(),
});

/**
 * Applies one event to the facts. The state is updated in place and returned: a projection runner
 * owns its state, and copying every order on every event would make a rebuild quadratic. An event
 * at or before the state's position is ignored, so redelivery changes nothing even without a runner.
 */
export const evolveKpiFacts = (state: KpiFactsState, recorded: RecordedEvent): KpiFactsState => {
  if (state.position !== undefined && recorded.globalPosition <= BigInt(state.position)) return state;
  state.position = recorded.globalPosition.toString();
  const decoded = decodeDepartmentEvent(recorded);
  if (decoded.kind === 'foreign') return state;
  const evidence = evidenceOf(recorded);
  if (decoded.kind === 'undecodable') {
    state.undecodable.push({ evidence, problem: decoded.problem });
    return state;
  }
  const order = (orderId: string, apply: (facts: OrderFacts) => void) => {
    const facts = entryOf(state.orders, orderId);
    if (facts !== undefined) apply(facts);
  };
  const standardVersion = (standardId: string, version: number) => {
    const key = standardVersionKey(standardId, version);
    const existing = entryOf(state.standardVersions, key);
    if (existing !== undefined) return existing;
    const created: StandardVersionFacts = { standardId, version, acknowledgements: {} };
    putEntry(state.standardVersions, key, created);
    return created;
  };
  const appraisal = (appraisalId: string, apply: (facts: AppraisalFacts) => void) => {
    const facts = entryOf(state.appraisals, appraisalId);
    if (facts !== undefined) apply(facts);
  };
  const budget = (budgetId: string, apply: (facts: BudgetFacts) => void) => {
    const facts = entryOf(state.budgets, budgetId);
    if (facts !== undefined) apply(facts);
  };

  match(decoded.event)
    .with({ type: 'RepairOrderReceived' }, ({ data }) => {
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
    })
    .with({ type: 'ReceiptConfirmed' }, ({ data }) => order(data.orderId, (facts) => facts.confirmations.push(evidence)))
    .with({ type: 'RepairScheduled' }, ({ data }) =>
      order(data.orderId, (facts) => facts.promises.push({ evidence, promisedBy: data.promisedBy, specialistId: data.specialistId })),
    )
    .with({ type: 'RepairRescheduled' }, ({ data }) =>
      order(data.orderId, (facts) => {
        const specialistId = facts.promises.at(-1)?.specialistId ?? '';
        facts.promises.push({ evidence, promisedBy: data.promisedBy, specialistId });
      }),
    )
    .with({ type: 'RepairCompleted' }, ({ data }) =>
      order(data.orderId, (facts) => facts.completions.push({ evidence, specialistId: data.specialistId })),
    )
    .with({ type: 'RepairInspected' }, ({ data }) =>
      order(data.orderId, (facts) => facts.repairInspections.push({ evidence, passed: data.passed, attempt: data.attempt })),
    )
    .with({ type: 'GarmentFinished' }, ({ data }) =>
      order(data.orderId, (facts) => facts.finishes.push({ evidence, specialistId: recorded.metadata.actor.id })),
    )
    .with({ type: 'FinishingInspected' }, ({ data }) =>
      order(data.orderId, (facts) => facts.finishingInspections.push({ evidence, passed: data.passed, attempt: data.attempt })),
    )
    .with({ type: 'FeedbackRecorded' }, ({ data }) =>
      order(data.orderId, (facts) => {
        facts.feedback = { evidence, satisfied: data.satisfied };
      }),
    )
    .with({ type: 'RepairOrderCancelled' }, ({ data }) =>
      order(data.orderId, (facts) => {
        facts.cancelled = evidence;
      }),
    )
    .with(
      { type: 'RepairStarted' },
      { type: 'GarmentPackaged' },
      { type: 'GarmentReturned' },
      { type: 'ReturnConfirmed' },
      { type: 'RepairOrderClosed' },
      () => undefined,
    )
    .with({ type: 'StandardPublished' }, ({ data }) => {
      standardVersion(data.standardId, data.version).published = { evidence, endpointIds: [...data.endpointIds] };
    })
    .with({ type: 'StandardSuperseded' }, ({ data }) => {
      standardVersion(data.standardId, data.version).superseded = { evidence, supersededBy: data.supersededBy };
    })
    .with({ type: 'StandardAcknowledged' }, ({ data }) => {
      const facts = standardVersion(data.standardId, data.version);
      if (entryOf(facts.acknowledgements, data.endpointId) === undefined) putEntry(facts.acknowledgements, data.endpointId, evidence);
    })
    .with({ type: 'StandardRetired' }, ({ data }) => {
      for (const facts of Object.values(state.standardVersions)) {
        if (facts.standardId === data.standardId && facts.published !== undefined && facts.superseded === undefined && facts.retired === undefined) {
          facts.retired = evidence;
        }
      }
    })
    .with({ type: 'ComplianceInspected' }, ({ data }) => {
      state.complianceInspections.push({ evidence, ...data, findings: [...data.findings] });
    })
    .with({ type: 'AssessmentRecorded' }, ({ data }) => {
      state.assessments.push({ evidence, ...data });
    })
    .with(
      { type: 'StandardDrafted' },
      { type: 'StandardSubmitted' },
      { type: 'StandardApproved' },
      { type: 'StandardRejected' },
      { type: 'TrainingRecorded' },
      () => undefined,
    )
    .with({ type: 'AppraisalPlanned' }, ({ data }) => {
      putEntry(state.appraisals, data.appraisalId, {
        appraisalId: data.appraisalId,
        employeeId: data.employeeId,
        cycle: data.cycle,
        dueBy: data.dueBy,
        planned: evidence,
        decisions: [],
      });
    })
    .with({ type: 'AppraisalCompleted' }, ({ data }) =>
      appraisal(data.appraisalId, (facts) => {
        facts.completed = { evidence, rating: data.rating, competent: data.competent };
      }),
    )
    .with({ type: 'RecommendationDecided' }, ({ data }) =>
      appraisal(data.appraisalId, (facts) => facts.decisions.push({ evidence, kind: data.kind, approved: data.approved })),
    )
    .with({ type: 'AppraisalScored' }, { type: 'RecommendationProposed' }, { type: 'AppraisalAcknowledged' }, () => undefined)
    .with({ type: 'BudgetDrafted' }, ({ data }) => {
      if (entryOf(state.budgets, data.budgetId) === undefined) {
        putEntry(state.budgets, data.budgetId, { budgetId: data.budgetId, fiscalYear: data.fiscalYear, approvedLines: {}, adjustments: [] });
      }
    })
    .with({ type: 'BudgetApproved' }, ({ data }) =>
      budget(data.budgetId, (facts) => {
        facts.approvedLines = {};
        for (const line of data.lines) putEntry(facts.approvedLines, line.category, line.amount);
      }),
    )
    .with({ type: 'LineAdjusted' }, ({ data }) =>
      budget(data.budgetId, (facts) =>
        facts.adjustments.push({ evidence, category: data.category, previousAmount: data.previousAmount, amount: data.amount }),
      ),
    )
    .with({ type: 'BudgetClosed' }, ({ data }) =>
      budget(data.budgetId, (facts) => {
        facts.closed = { evidence, lines: data.lines.map((line) => ({ ...line })) };
      }),
    )
    .with(
      { type: 'BudgetSubmitted' },
      { type: 'BudgetReviewed' },
      { type: 'ExpenseClaimed' },
      { type: 'ExpenseApproved' },
      { type: 'ExpenseRejected' },
      () => undefined,
    )
    .exhaustive();
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
