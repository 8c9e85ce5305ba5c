import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default defineProject({
  ...sourceConditions,
  // End-to-end tests start real processes, from source, on a machine that may be busy.
  test: { name: '@aftersales/cli', testTimeout: 60_000 },
});
