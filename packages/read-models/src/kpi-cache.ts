import { canonicalJson } from '@aftersales/core';
import type { SubjectWrite } from './backend.js';
import type { KpiConfig } from './config.js';
import type { SubjectFacts } from './facts/schema.js';
import type { KpiId, KpiItem } from './kpi-definitions.js';
import { kpiPeriodRule } from './kpi-definitions.js';
import { judgeSubject, kpisOfSubject } from './kpi-judges.js';
import type { PreparedQuery } from './kpi-query.js';
import { itemInPeriod } from './kpi-query.js';
import type { JudgedItem, KpiResult } from './kpis.js';
import { judgeInPeriod, summariseJudged } from './kpis.js';

/** A query's key in the cache. */
export interface QueryKey {
  /** The query: its period, instant, KPIs, sample and settings (by identity). */
  readonly query: string;
  /** What judging a subject's items depends on, but for the period that only `staffTurnover` reads: the instant and the settings. */
  readonly judging: string;
}

/** One query's items, judged once and kept up to date batch by batch. */
interface CachedQuery {
  readonly judging: string;
  readonly prepared: PreparedQuery;
  /** The items each subject gives to the query's KPIs in its period (judged, or read from its rows); subjects that give none are left out. */
  readonly items: Map<string, readonly JudgedItem[]>;
  /** The answer as last summarised; dropped when an item changes. */
  results: readonly KpiResult[] | undefined;
}

/**
 * The items a subject gives to a query's KPIs in its period. The items of the KPIs placed by their
 * anchor do not depend on the period: they come from `anchored`, judged once for every query at the
 * same instant with the same settings, and only `staffTurnover`'s are judged for the query itself.
 */
const judgedInPeriod = (prepared: PreparedQuery, subject: SubjectFacts, anchored: () => readonly KpiItem[]): JudgedItem[] => {
  const wanted = new Set<KpiId>(prepared.kpis);
  const items: JudgedItem[] = anchored().filter((one) => wanted.has(one.kpi) && itemInPeriod(prepared.period, one));
  for (const kpi of prepared.kpis) if (kpiPeriodRule(kpi) === 'overlap') items.push(...judgeInPeriod(subject, kpi, prepared));
  return items;
};

const itemKey = (one: JudgedItem): string => `${one.kpi}\u0000${one.itemId}`;

/** Whether two lists of a subject's items, in any order, give a summary the same figures. */
const sameItems = (a: readonly JudgedItem[], b: readonly JudgedItem[]): boolean => {
  if (a.length !== b.length) return false;
  const others = new Map(b.map((one) => [itemKey(one), one]));
  return a.every((one) => {
    const other = others.get(itemKey(one));
    return other !== undefined && one.verdict === other.verdict && canonicalJson(one.breakdown) === canonicalJson(other.breakdown);
  });
};

/**
 * The KPI answers of queries asked again and again (a dashboard's months, as of a fixed instant),
 * kept as judged items so that a query does not read and judge every subject of its period each
 * time. The runner that commits a batch gives it the subjects the batch wrote, and each cached query
 * judges those again: its answer stays exactly what judging every subject would give. The cache
 * holds for one KPI-facts checkpoint; a checkpoint it did not see move (another instance's batch, a
 * rebuild) empties it. It holds the `capacity` most recently asked queries; a query "as of now",
 * at another instant each time, is never answered from it and only costs re-judging a batch's
 * subjects until newer queries push it out.
 */
export class KpiQueryCache {
  private at: bigint | undefined;
  private readonly queries = new Map<string, CachedQuery>();
  private readonly configIds = new WeakMap<KpiConfig, number>();
  private nextConfigId = 0;

  constructor(private readonly capacity = 16) {}

  /** The key of a query: its period, instant, KPIs, sample and settings (by identity). */
  keyOf(prepared: PreparedQuery, config: KpiConfig): QueryKey {
    let configId = this.configIds.get(config);
    if (configId === undefined) {
      configId = this.nextConfigId++;
      this.configIds.set(config, configId);
    }
    const judging = `${prepared.context.asOf}|${configId}`;
    return { query: `${prepared.label}|${prepared.kpis.join(',')}|${prepared.sample}|${judging}`, judging };
  }

  /** The cached answer of a query at this checkpoint, if it has one. */
  answer(key: QueryKey, at: bigint | undefined): readonly KpiResult[] | undefined {
    if (at !== this.at) this.clear(at);
    const cached = this.queries.get(key.query);
    if (cached === undefined) return undefined;
    // Most recently used last, so that the first key is the one to evict.
    this.queries.delete(key.query);
    this.queries.set(key.query, cached);
    cached.results ??= summariseJudged(this.allItems(cached), cached.prepared);
    return cached.results;
  }

  /**
   * Remembers a query's items, by subject, as read at checkpoint `at` (if the cache is still there: a
   * batch committed while they were read makes them stale) and returns its answer.
   */
  remember(key: QueryKey, prepared: PreparedQuery, items: ReadonlyMap<string, readonly JudgedItem[]>, at: bigint | undefined): readonly KpiResult[] {
    const cached: CachedQuery = { judging: key.judging, prepared, items: new Map(), results: undefined };
    for (const [subjectKey, subjectItems] of items) {
      if (subjectItems.length > 0) cached.items.set(subjectKey, subjectItems);
    }
    cached.results = summariseJudged(this.allItems(cached), prepared);
    if (at !== this.at) return cached.results;
    if (this.queries.size >= this.capacity) this.queries.delete(this.queries.keys().next().value!);
    this.queries.set(key.query, cached);
    return cached.results;
  }

  /** A batch this runner committed moved the KPI facts from `from` to `to`, writing these subjects. */
  committed(from: bigint | undefined, to: bigint, subjects: readonly SubjectWrite[]): void {
    if (from !== this.at) {
      this.clear(to);
      return;
    }
    this.at = to;
    const anchored = new Map<string, readonly KpiItem[]>();
    for (const cached of this.queries.values()) {
      for (const subject of subjects) {
        const judgedOnce = () => {
          const key = `${cached.judging}|${subject.key}`;
          let found = anchored.get(key);
          if (found === undefined) {
            found = kpisOfSubject(subject.kind).flatMap((kpi) => (kpiPeriodRule(kpi) === 'anchor' ? judgeSubject(cached.prepared.context, kpi, subject.facts) : []));
            anchored.set(key, found);
          }
          return found;
        };
        const items = judgedInPeriod(cached.prepared, subject.facts, judgedOnce);
        const before = cached.items.get(subject.key);
        if (items.length === 0 && before === undefined) continue;
        // A subject whose items in the period did not change (a later event, after the instant asked) leaves the answer as it was.
        if (before !== undefined && sameItems(before, items)) continue;
        if (items.length === 0) cached.items.delete(subject.key);
        else cached.items.set(subject.key, items);
        cached.results = undefined;
      }
    }
  }

  /** Forgets every query, e.g. when another instance moved the checkpoint. */
  clear(at: bigint | undefined): void {
    this.at = at;
    this.queries.clear();
  }

  private *allItems(cached: CachedQuery): Iterable<JudgedItem> {
    for (const items of cached.items.values()) yield* items;
  }
}
