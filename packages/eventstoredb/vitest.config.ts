import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default defineProject({
  ...sourceConditions,
  test: {
    name: '@aftersales/eventstoredb',
    // Each test file runs in its own process: the protobuf code generated inside a client package
    // registers global message types, and two client versions in one process collide.
    pool: 'forks',
    isolate: true,
  },
});
