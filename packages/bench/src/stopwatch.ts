import { performance } from 'node:perf_hooks';

/**
 * Times sections of work by the wall clock and by the process's CPU time. On a shared machine the
 * wall clock also counts the time other processes had the core, so rates are computed from CPU time;
 * both are kept.
 */
export class Stopwatch {
  private wallMs = 0;
  private cpuMicros = 0;

  time<A>(work: () => A): A {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    try {
      return work();
    } finally {
      this.stop(wall, cpu);
    }
  }

  async timeAsync<A>(work: () => Promise<A>): Promise<A> {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    try {
      return await work();
    } finally {
      this.stop(wall, cpu);
    }
  }

  private stop(wall: number, cpu: NodeJS.CpuUsage): void {
    this.wallMs += performance.now() - wall;
    const used = process.cpuUsage(cpu);
    this.cpuMicros += used.user + used.system;
  }

  get seconds(): Timing {
    return { cpu: this.cpuMicros / 1e6, wall: this.wallMs / 1000 };
  }
}

export interface Timing {
  readonly cpu: number;
  readonly wall: number;
}
