import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import { isKnownTimeZone } from './periods.js';

const fraction = z.number().min(0).max(1);

/** The highest share of staff that may leave in a period (`staffTurnover`), by the period's length. */
export const TurnoverLimits = z.strictObject({ month: fraction, quarter: fraction, year: fraction });
export type TurnoverLimits = z.output<typeof TurnoverLimits>;

export const defaultTurnoverLimits: TurnoverLimits = { month: 0.03, quarter: 0.06, year: 0.15 };

/** The rules KPIs are counted with. */
export const KpiRules = z.strictObject({
  /** How long after receipt an order must be confirmed and scheduled (`timelyReceipt`), in hours. */
  receiptSlaHours: z.number().positive(),
  /** The lowest share of a line that must be spent (`budgetExecution`), a fraction in [0, 1]. */
  executionFloor: fraction,
  /**
   * How long after a version's publication an endpoint has to acknowledge it (`standardAwareness`),
   * in days; settings written before the window existed get the default, 7.
   */
  acknowledgementWindowDays: z.number().positive().default(7),
  /**
   * How long after a job description is explained to an employee they have to confirm it
   * (`jobDescriptionAwareness`), in days; settings written before it existed get the default, 7.
   */
  jobDescriptionWindowDays: z.number().positive().default(7),
  /**
   * The company's limit on staff turnover (`staffTurnover`) for a month, a quarter and a year, as
   * fractions; settings written before it existed get the defaults, 3%, 6% and 15%.
   */
  turnoverLimits: TurnoverLimits.default(defaultTurnoverLimits),
  /** The IANA time zone whose calendar buckets items into months, quarters and years. */
  timeZone: z.string().refine(isKnownTimeZone, 'must be an IANA time zone this runtime knows'),
});
export type KpiRules = z.output<typeof KpiRules>;

/**
 * One version of the rules, in force from `effectiveFrom` until the next version's `effectiveFrom`.
 * Any instant with an offset: unlike a business instant it need not lie in the years a period can
 * hold, as the default version, in force since 1970, shows (and `kpi --json` prints it that way, so
 * that its settings can be given back as a settings file).
 */
export const KpiConfigVersion = KpiRules.extend({ effectiveFrom: z.iso.datetime({ offset: true }) });
/** As written in a settings file or in code: the settings added after the first (windows, limits) may be left out. */
export type KpiConfigVersion = z.input<typeof KpiConfigVersion>;

/** Every version of the rules there has been; the earliest one also governs anything before it. */
export const KpiConfig = z.array(KpiConfigVersion).min(1);
export type KpiConfig = z.input<typeof KpiConfig>;

export const defaultKpiRules: KpiRules = {
  receiptSlaHours: 24,
  executionFloor: 0.8,
  acknowledgementWindowDays: 7,
  jobDescriptionWindowDays: 7,
  turnoverLimits: defaultTurnoverLimits,
  timeZone: 'Asia/Shanghai',
};

export const defaultKpiConfig: KpiConfig = [{ effectiveFrom: '1970-01-01T00:00:00Z', ...defaultKpiRules }];

export const decodeKpiConfig = (raw: unknown): E.Either<string, KpiConfig> => {
  const parsed = KpiConfig.safeParse(raw);
  if (!parsed.success) {
    return E.left(parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; '));
  }
  return E.right(parsed.data);
};

/** The rules of one version, with the defaults of whatever it leaves out. */
export const rulesOf = (version: KpiConfigVersion): KpiRules => ({
  receiptSlaHours: version.receiptSlaHours,
  executionFloor: version.executionFloor,
  acknowledgementWindowDays: version.acknowledgementWindowDays ?? defaultKpiRules.acknowledgementWindowDays,
  jobDescriptionWindowDays: version.jobDescriptionWindowDays ?? defaultKpiRules.jobDescriptionWindowDays,
  turnoverLimits: version.turnoverLimits === undefined ? defaultTurnoverLimits : { ...version.turnoverLimits },
  timeZone: version.timeZone,
});

/**
 * The rules in force at an instant: the version with the latest `effectiveFrom` at or before it, or
 * the earliest version for an instant before every version. Each KPI item is judged with the rules in
 * force at its own anchor time (receipt, inspection, closing…), so changing the rules later never
 * changes a verdict already given, and a replay of an old period uses the rules of that time.
 */
export const rulesResolver = (config: KpiConfig): ((epochMs: number) => KpiRules) => {
  const sorted = [...config].map((version) => ({ from: Date.parse(version.effectiveFrom), rules: rulesOf(version) })).sort((a, b) => a.from - b.from);
  return (epochMs) => {
    let inForce = sorted[0]!.rules;
    for (const version of sorted) {
      if (version.from <= epochMs) inForce = version.rules;
    }
    return inForce;
  };
};
