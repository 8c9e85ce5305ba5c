import type { Evidence } from '../facts/schema.js';
import type { JudgeContext, KpiItem, Reason } from '../kpi-definitions.js';
import { formatPeriod, localDateOf } from '../periods.js';

export const ms = (instant: string): number => Date.parse(instant);
export const happened = (context: JudgeContext, evidence: Evidence): boolean => evidence.epochMs <= context.asOf;
export const iso = (epochMs: number): string => new Date(epochMs).toISOString();

/** Orders events by business time, then by log order, as an auditor would read them. */
const positionBefore = (a: string, b: string): boolean => (a.length === b.length ? a < b : a.length < b.length);
export const before = (a: Evidence, b: Evidence): boolean => a.epochMs < b.epochMs || (a.epochMs === b.epochMs && positionBefore(a.position, b.position));

/** The instant that places an item in a period. */
export type Anchor = Pick<Evidence, 'at' | 'epochMs'>;

/** The instant of a due date, as an anchor. */
export const dueAnchor = (dueBy: string): Anchor => ({ at: dueBy, epochMs: ms(dueBy) });

/** An item placed in the month of its anchor, in the time zone in force at that instant. */
export const item = (context: JudgeContext, fields: Omit<KpiItem, 'month' | 'timeZone' | 'periodAnchor'> & { readonly anchor: Anchor }): KpiItem => {
  const { anchor, ...rest } = fields;
  const { timeZone } = context.rulesAt(anchor.epochMs);
  const { year, month } = localDateOf(anchor.epochMs, timeZone);
  return { ...rest, periodAnchor: anchor.at, month: formatPeriod({ kind: 'month', year, month }), timeZone };
};

export const reason = (en: string, zh: string): Reason => ({ en, zh });
