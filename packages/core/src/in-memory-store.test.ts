import { InMemoryEventStore } from './in-memory-store.js';
import { describeEventStoreConformance } from './testing/conformance.js';

describeEventStoreConformance('InMemoryEventStore', async () => ({ store: new InMemoryEventStore(), cleanup: async () => {} }));
