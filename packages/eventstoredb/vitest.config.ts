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
    // Most tests start a gRPC test server and connect a client to it; on a busy machine that alone
    // can take longer than vitest's 5 s default, which is a guard against hangs, not a speed target.
    testTimeout: 30_000,
  },
});
