import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default defineProject({
  ...sourceConditions,
  // The suites start real processes, from source, on a machine that may be busy.
  test: { name: '@aftersales/system-tests', testTimeout: 60_000 },
});
