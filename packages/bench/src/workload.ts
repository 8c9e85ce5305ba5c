import type { DepartmentCommandJson } from '@aftersales/domain/simulation';
import { simulateYear } from '@aftersales/domain/simulation';

/** The log sizes of a full run, in events. */
export const fullSizes = [10_000, 100_000, 1_000_000] as const;

/** A simulated order produces about 13.2 events; the standards, appraisals and budget add a few hundred more. */
const EVENTS_PER_ORDER = 13.2;
const FIXED_EVENTS = 230;

export const ordersFor = (events: number): number => Math.max(1, Math.round((events - FIXED_EVENTS) / EVENTS_PER_ORDER));

export const SEED = 2026;

/**
 * The simulated year in chunks, so that a million-event year is never held whole in memory and
 * generating the commands stays out of the timed sections.
 */
export function* commandChunks(orders: number, chunkSize = 5_000): Generator<DepartmentCommandJson[]> {
  let chunk: DepartmentCommandJson[] = [];
  for (const command of simulateYear({ seed: SEED, orders })) {
    chunk.push(command);
    if (chunk.length >= chunkSize) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
