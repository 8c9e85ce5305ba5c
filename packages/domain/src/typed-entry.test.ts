import type { CommandAccepted, DomainError } from '@aftersales/core';
import { InMemoryEventStore } from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DepartmentCommand, DepartmentCommandMetadata, Role } from './index.js';
import { commandMetadata, createDepartment } from './index.js';

const manager = { id: 'DM-1', role: 'DepartmentManager' } as const;

describe('the typed entry point', () => {
  it('handles a command built in code, with metadata from commandMetadata', async () => {
    const department = createDepartment({ store: new InMemoryEventStore() });
    const result = await department.handle({
      type: 'PlanAppraisal',
      data: { appraisalId: 'AP-1', employeeId: 'SP-7', cycle: '2026-Q3', dueBy: '2026-09-30T18:00:00+08:00' },
      metadata: commandMetadata('c-1', manager, '2026-07-01T09:00:00+08:00'),
    });
    expectTypeOf(result).toEqualTypeOf<E.Either<DomainError, CommandAccepted>>();
    expect(E.isRight(result) && result.right.events.map((event) => event.type)).toEqual(['AppraisalPlanned']);
  });

  it('still decodes what the types cannot say, such as an over-long id', async () => {
    const department = createDepartment({ store: new InMemoryEventStore() });
    const result = await department.handle({
      type: 'ConfirmReceipt',
      data: { orderId: 'x'.repeat(101) },
      metadata: commandMetadata('c-1', { id: 'SP-1', role: 'AfterSalesSpecialist' }, '2026-07-01T09:00:00+08:00'),
    });
    expect(E.isLeft(result) && result.left.code).toBe('InvalidCommand');
  });

  it('does not compile an unknown command type, a missing field or a role that is not a Role', () => {
    const department = createDepartment({ store: new InMemoryEventStore() });
    const metadata = commandMetadata('c-1', manager, '2026-07-01T09:00:00+08:00');
    // Never called: the compiler is what this test asserts on, through the @ts-expect-error lines.
    const uncalled = () => [
      // @ts-expect-error an unknown command type
      department.handle({ type: 'NoSuchCommand', data: { orderId: 'RO-1' }, metadata }),
      // @ts-expect-error ScheduleRepair needs a specialistId
      department.handle({ type: 'ScheduleRepair', data: { orderId: 'RO-1', promisedBy: '2026-07-02T09:00:00+08:00' }, metadata }),
      department.handle({
        type: 'ConfirmReceipt',
        data: { orderId: 'RO-1' },
        // @ts-expect-error DeptManager is not one of the department's roles
        metadata: { commandId: 'c-1', actor: { id: 'DM-1', role: 'DeptManager' }, at: '2026-07-01T09:00:00+08:00' },
      }),
      // @ts-expect-error the typed entry takes no unknown input: that is handleUntrusted's job
      department.handle(JSON.parse('{}') as unknown),
    ];
    expect(typeof uncalled).toBe('function');
    expectTypeOf<'PlanAppraisal' | 'ReceiveRepairOrder' | 'DraftBudget'>().toExtend<DepartmentCommand['type']>();
    expectTypeOf<string>().not.toExtend<DepartmentCommand['type']>();
    expectTypeOf<DepartmentCommandMetadata['actor']['role']>().toEqualTypeOf<Role>();
    expectTypeOf(department.handleUntrusted).parameter(0).toBeUnknown();
  });
});

describe('commandMetadata', () => {
  it('writes a Date as an ISO instant and keeps correlation and causation only when given', () => {
    expect(commandMetadata('c-2', manager, new Date(Date.UTC(2026, 6, 1, 1)))).toEqual({
      commandId: 'c-2',
      actor: manager,
      at: '2026-07-01T01:00:00.000Z',
    });
    expect(commandMetadata('c-3', manager, '2026-07-01T09:00:00+08:00', { correlationId: 'c-2' })).toEqual({
      commandId: 'c-3',
      actor: manager,
      at: '2026-07-01T09:00:00+08:00',
      correlationId: 'c-2',
    });
  });
});
