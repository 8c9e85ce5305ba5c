/**
 * Loaded with `--import` into a program the benchmark spawns: at exit, writes the process's peak
 * resident memory to stderr as the last line, so that a program need not know it is measured.
 */
process.on('exit', () => {
  process.stderr.write(`\n${JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
});

