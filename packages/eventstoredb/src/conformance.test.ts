import { describeEventStoreConformance } from '@aftersales/core/testing';
import type { CommitMode } from './test-server/index.js';
import { EventStoreDBTestServer } from './test-server/index.js';
import { CONFORMANCE_OPTIONS, storeOverServer } from './conformance.fixture.js';

// Through @eventstore/db-client 6.x. Both ways of giving out commit positions run, so the position
// mapping meets commit ≠ prepare too.
const overTestServer = (commitMode: CommitMode) => storeOverServer(() => EventStoreDBTestServer.start({ commitMode }));

describeEventStoreConformance('EventStoreDBEventStore over the wire-level test server', overTestServer('perEvent'), CONFORMANCE_OPTIONS);
describeEventStoreConformance('EventStoreDBEventStore over the test server with commit records', overTestServer('commitRecord'), CONFORMANCE_OPTIONS);
