import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default defineProject({
  ...sourceConditions,
  // The fast-check properties run hundreds of command sequences each: on a busy machine they need more than vitest's 5 s.
  test: { name: '@aftersales/domain', testTimeout: 30_000 },
});
