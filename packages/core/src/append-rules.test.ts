import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateBatch } from './append-rules.js';
import type { EventToAppend } from './messages.js';
import { EventMetadataToAppendSchema } from './messages.js';

const EVENT_ID = '6f1c2b9e-3a4d-4e5f-8a6b-7c8d9e0f1a2b';

const text = fc.oneof(fc.constantFrom('', 'a', 'x'.repeat(200), 'x'.repeat(201)), fc.string({ maxLength: 8 }));
const member = fc.oneof(text, fc.integer({ min: -2, max: 3 }), fc.double(), fc.constant(null), fc.constant(undefined), fc.constant({}));

/** Metadata near the shape command handling writes: each member right, or wrong in one of the ways the schema refuses. */
const metadata = fc.record(
  {
    commandId: fc.oneof(text, member),
    correlationId: fc.oneof(text, member),
    causationId: fc.oneof(text, member),
    actor: fc.oneof(
      fc.record({ id: fc.oneof(text, member), role: fc.oneof(text, member) }),
      fc.record({ id: text, role: text, extra: text }),
      fc.record({ id: text }),
      member,
    ),
    occurredAt: fc.oneof(text, member),
    schemaVersion: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.double(), member),
    extra: member,
  },
  { requiredKeys: ['commandId', 'correlationId', 'causationId', 'actor', 'occurredAt', 'schemaVersion'] },
);

describe('validateBatch', () => {
  it('accepts exactly the metadata the schema reads events back with', () => {
    fc.assert(
      fc.property(metadata, (candidate) => {
        const event = { eventId: EVENT_ID, type: 'Counted', data: {}, metadata: candidate } as unknown as EventToAppend;
        const problem = validateBatch('Budget-1', [event]);
        expect(problem === undefined).toBe(EventMetadataToAppendSchema.safeParse(candidate).success);
      }),
      { numRuns: 500 },
    );
  });
});
