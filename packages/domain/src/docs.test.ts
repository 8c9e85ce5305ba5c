import { InMemoryEventStore } from '@aftersales/core';
import { expectDocSnippet } from '@aftersales/core/doc-snippets';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it, vi } from 'vitest';
import { createDepartment } from './index.js';

describe('docs/domain.md', () => {
  it('the entry point snippet is the code this test runs', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    // The lines between the markers are what docs/domain.md shows under "Entry point".
    // snippet:start
    const department = createDepartment({ store: new InMemoryEventStore() });
    const result = await department.handleUntrusted(
      JSON.parse(
        '{"type":"PlanAppraisal","data":{"appraisalId":"AP-1","employeeId":"SP-7","cycle":"2026-Q3","dueBy":"2026-09-30T18:00:00+08:00"},' +
          '"metadata":{"commandId":"c-1","actor":{"id":"DM-1","role":"DepartmentManager"},"at":"2026-07-01T09:00:00+08:00"}}',
      ),
    );
    if (E.isRight(result)) console.log(result.right.streamId, result.right.events.map((event) => event.type));
    else console.log(result.left.code, result.left.message);
    // snippet:end
    expect(log).toHaveBeenCalledWith('Appraisal-AP-1', ['AppraisalPlanned']);
    log.mockRestore();

    expectDocSnippet(new URL('../../../docs/domain.md', import.meta.url), '## Entry point', new URL(import.meta.url));
  });
});
