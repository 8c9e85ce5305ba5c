export { runBenchmark } from './benchmark.js';
export type { BenchmarkOptions } from './benchmark.js';
export { formatTable, summarise, targets } from './report.js';
export type { BenchmarkResult, Growth } from './report.js';
export type { SizeFigures } from './run.js';
export { formatEventStoreDB, measureEventStoreDB } from './eventstoredb.js';
export type { EventStoreDBFigures } from './eventstoredb.js';
