import type * as E from 'fp-ts/lib/Either.js';
import { describe, expectTypeOf, it } from 'vitest';
import type { AppendResult, Decider, DomainError, EventStore, EventToAppend, ExpectedRevision, IntegrityProblem, RecordedEvent, StoreError, VerificationReport } from './index.js';
import type * as core from './index.js';
import type * as kit from './adapter-kit.js';

type Noted = { readonly type: 'Noted'; readonly data: { readonly text: string } };
type Opened = { readonly type: 'Opened'; readonly data: { readonly id: string } };
type Note = { readonly type: 'Note'; readonly data: { readonly text: string }; readonly metadata: core.CommandMetadata };

describe('the public types', () => {
  it('a decider decides a command into an Either of a refusal or events of its own union', () => {
    type NoteDecider = Decider<Note, Noted | Opened, { readonly notes: number }>;
    expectTypeOf<ReturnType<NoteDecider['decide']>>().toEqualTypeOf<E.Either<DomainError, readonly (Noted | Opened)[]>>();
    expectTypeOf<Parameters<NoteDecider['evolve']>[1]>().toEqualTypeOf<Noted | Opened>();
  });

  it('the store port answers appends and verification with Eithers of typed store errors, never throws in its types', () => {
    expectTypeOf<EventStore['appendToStream']>().returns.resolves.toEqualTypeOf<E.Either<StoreError, AppendResult>>();
    expectTypeOf<EventStore['appendToStream']>().parameter(1).toEqualTypeOf<readonly EventToAppend[]>();
    expectTypeOf<EventStore['readAll']>().returns.toMatchTypeOf<AsyncIterable<RecordedEvent>>();
    expectTypeOf<typeof core.verifyLog>().returns.resolves.toEqualTypeOf<E.Either<StoreError, VerificationReport>>();
    expectTypeOf<ExpectedRevision>().toEqualTypeOf<'any' | 'noStream' | 'streamExists' | number>();
  });

  it('store errors are a closed union told apart by their code', () => {
    expectTypeOf<StoreError['code']>().toEqualTypeOf<'ConcurrencyConflict' | 'StreamNotFound' | 'StoreUnavailable' | 'CorruptedEvent' | 'InvalidAppend' | 'AccessDenied' | 'StoreRejected'>();
    expectTypeOf<IntegrityProblem['kind']>().toEqualTypeOf<'BrokenHash' | 'BrokenLink' | 'Gap' | 'Reordered' | 'CheckpointMismatch' | 'BadCheckpoint'>();
  });

  it('keeps what only store authors need out of the main entry', () => {
    expectTypeOf<typeof kit>().toHaveProperty('validateBatch');
    expectTypeOf<typeof kit>().toHaveProperty('sealEvents');
    expectTypeOf<typeof core>().not.toHaveProperty('validateBatch');
    expectTypeOf<typeof core>().not.toHaveProperty('sealEvents');
    expectTypeOf<typeof core>().not.toHaveProperty('zodIssues');
    expectTypeOf<typeof core>().not.toHaveProperty('REFUSALS_PREFIX');
    expectTypeOf<typeof core>().not.toHaveProperty('encryptField');
    expectTypeOf<typeof core>().not.toHaveProperty('newKeyId');
    expectTypeOf<typeof core>().not.toHaveProperty('decodeRecordedEvent');
  });
});
