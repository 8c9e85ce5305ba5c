import type { BenchmarkResult } from './report.js';
import { summarise } from './report.js';
import type { Progress, SizeFigures } from './run.js';
import { measureSize } from './run.js';
import { fullSizes } from './workload.js';

export interface BenchmarkOptions {
  /** Log sizes in events, smallest first; the full run's three by default. */
  readonly sizes?: readonly number[];
  readonly progress?: Progress;
  /** The length of the stream whose load is timed (10,000 events by default). */
  readonly longStreamEvents?: number;
}

/** Measures every size in turn and summarises them: the figures of the largest size are the headline. */
export const runBenchmark = async (options: BenchmarkOptions = {}): Promise<BenchmarkResult> => {
  const measured: SizeFigures[] = [];
  for (const size of options.sizes ?? fullSizes) measured.push(await measureSize(size, options.progress, options.longStreamEvents));
  return summarise(measured);
};
