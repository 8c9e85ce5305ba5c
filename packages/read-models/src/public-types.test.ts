import type * as E from 'fp-ts/lib/Either.js';
import type { SecondWriter } from '@aftersales/core/adapter-kit';
import { describe, expectTypeOf, it } from 'vitest';
import type * as folding from './folding.js';
import type {
  AuditEntry,
  AuditPage,
  AuditPageQuery,
  BackendError,
  BatchWrite,
  KpiAnswer,
  KpiId,
  KpiItem,
  KpiItemsPage,
  KpiQuery,
  KpiResult,
  ReadModelBackend,
  ReadModelError,
  ReadModels,
  Reason,
  SubjectFacts,
  Verdict,
} from './index.js';
import type * as readModels from './index.js';

describe('the public types', () => {
  it('every query answers an Either of a read-model error or its answer, never throws in its types', () => {
    expectTypeOf<ReadModels['kpis']>().parameter(0).toEqualTypeOf<KpiQuery>();
    expectTypeOf<ReadModels['kpis']>().returns.resolves.toEqualTypeOf<E.Either<ReadModelError, KpiAnswer>>();
    expectTypeOf<ReadModels['kpiItems']>().returns.resolves.toEqualTypeOf<E.Either<ReadModelError, KpiItemsPage>>();
    expectTypeOf<ReadModels['explain']>().returns.resolves.toEqualTypeOf<E.Either<ReadModelError, KpiItem | undefined>>();
    expectTypeOf<ReadModels['audit']>().returns.resolves.toEqualTypeOf<E.Either<ReadModelError, AuditPage>>();
    expectTypeOf<ReadModels['catchUp']>().returns.resolves.toEqualTypeOf<E.Either<ReadModelError, void>>();
    expectTypeOf<ReadModels['auditEntries']>().returns.toEqualTypeOf<AsyncIterable<AuditEntry>>();
  });

  it('a KPI result is a rate against a target, with the items that missed; each item has a verdict and its reason in both languages', () => {
    expectTypeOf<KpiAnswer['results']>().toEqualTypeOf<readonly KpiResult[]>();
    expectTypeOf<KpiResult['kpi']>().toEqualTypeOf<KpiId>();
    expectTypeOf<KpiResult['rate']>().toEqualTypeOf<number | null>();
    expectTypeOf<KpiResult['met']>().toEqualTypeOf<boolean | null>();
    expectTypeOf<KpiResult['target']['direction']>().toEqualTypeOf<'atLeast' | 'atMost'>();
    expectTypeOf<KpiItem['verdict']>().toEqualTypeOf<Verdict>();
    expectTypeOf<Verdict>().toEqualTypeOf<'hit' | 'miss' | 'pending' | 'excluded'>();
    expectTypeOf<KpiItem['reason']>().toEqualTypeOf<Reason>();
    expectTypeOf<Reason>().toEqualTypeOf<{ readonly en: string; readonly zh: string }>();
    expectTypeOf<KpiItemsPage['next']>().toEqualTypeOf<string | undefined>();
  });

  it('read-model errors are a closed union told apart by their code', () => {
    expectTypeOf<ReadModelError['code']>().toEqualTypeOf<
      | 'ConcurrencyConflict'
      | 'StreamNotFound'
      | 'StoreUnavailable'
      | 'CorruptedEvent'
      | 'InvalidAppend'
      | 'AccessDenied'
      | 'StoreRejected'
      | 'CorruptedReadModel'
      | 'SecondWriter'
      | 'ReadModelMismatch'
      | 'InvalidQuery'
      | 'ReadModelTimeout'
    >();
    expectTypeOf<Extract<ReadModelError, { readonly code: 'CorruptedReadModel' }>['readModel']>().toEqualTypeOf<'kpi-facts' | 'audit-trail'>();
  });

  it('the backend port commits a batch atomically or refuses it as a value, and reads rows as Eithers of backend errors', () => {
    expectTypeOf<ReadModelBackend['commit']>().parameter(0).toEqualTypeOf<BatchWrite>();
    expectTypeOf<ReadModelBackend['commit']>().returns.resolves.toMatchTypeOf<E.Either<BackendError | SecondWriter, void>>();
    expectTypeOf<ReadModelBackend['loadSubjects']>().returns.resolves.toEqualTypeOf<E.Either<BackendError, Map<string, SubjectFacts>>>();
    expectTypeOf<ReadModelBackend['auditPage']>().parameter(0).toEqualTypeOf<AuditPageQuery & { readonly limit: number }>();
    expectTypeOf<ReadModelBackend['kind']>().toEqualTypeOf<'memory' | 'sqlite' | 'postgresql'>();
  });

  it('keeps what only the projector, the backends and tools that fold a log need out of the main entry', () => {
    expectTypeOf<typeof readModels>().toHaveProperty('createReadModels');
    expectTypeOf<typeof readModels>().not.toHaveProperty('entryOf');
    expectTypeOf<typeof readModels>().not.toHaveProperty('putEntry');
    expectTypeOf<typeof readModels>().not.toHaveProperty('judgeSubject');
    expectTypeOf<typeof readModels>().not.toHaveProperty('prepareKpiQuery');
    expectTypeOf<typeof readModels>().not.toHaveProperty('projectBatch');
    expectTypeOf<typeof readModels>().not.toHaveProperty('positionKey');
    expectTypeOf<typeof readModels>().not.toHaveProperty('foldKpiFacts');
    expectTypeOf<typeof folding>().toHaveProperty('foldKpiFacts');
    expectTypeOf<typeof folding>().toHaveProperty('decodeDepartmentEvent');
  });
});
