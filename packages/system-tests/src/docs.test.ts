import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it, vi } from 'vitest';
import { InMemoryEventStore, collect } from '@aftersales/core';
import { expectDocSnippet } from '@aftersales/core/doc-snippets';
import { FaultyEventStore } from '@aftersales/core/testing';
import type { DepartmentCommand } from '@aftersales/domain';
import { createDepartment } from '@aftersales/domain';

describe('docs/reliability.md', () => {
  it('the fault-injection snippet is the code this test runs', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    // snippet:start
    const inner = new InMemoryEventStore();
    // About half the appends commit but lose their answer; the same seed gives the same faults.
    const store = new FaultyEventStore(inner, { seed: 3, rates: { failAfterAppend: 0.5 } });
    const department = createDepartment({ store, maxUnavailableRetries: 0 });
    const command: DepartmentCommand = {
      type: 'PlanAppraisal',
      data: { appraisalId: 'AP-1', employeeId: 'SP-7', cycle: '2026-Q3', dueBy: '2026-09-30T18:00:00+08:00' },
      metadata: { commandId: 'c-1', actor: { id: 'DM-1', role: 'DepartmentManager' }, at: '2026-07-01T09:00:00+08:00' },
    };
    let result = await department.handle(command);
    // StoreUnavailable is retryable: sending the same command id again is safe.
    while (E.isLeft(result) && result.left.code === 'StoreUnavailable') result = await department.handle(command);
    if (E.isRight(result)) console.log(result.right.events.map((event) => event.type), store.injected.failAfterAppend);
    // snippet:end
    expect(log).toHaveBeenCalledWith(['AppraisalPlanned'], store.injected.failAfterAppend);
    // The seed was chosen so that the snippet shows a lost answer at least once.
    expect(store.injected.failAfterAppend).toBeGreaterThan(0);
    log.mockRestore();
    const stored = await collect(inner.readStream('Appraisal-AP-1'));
    expect(E.isRight(stored) && stored.right.map((event) => event.type)).toEqual(['AppraisalPlanned']);

    expectDocSnippet(new URL('../../../docs/reliability.md', import.meta.url), '## Testing a store or a service under faults', new URL(import.meta.url));
  });
});
