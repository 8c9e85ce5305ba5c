// Each statement marked `type error:` must fail to compile: the consumer test checks that the
// compiler reports an error in every marked statement and in no other line.
import { InMemoryEventStore } from '@aftersales/core';
import { commandMetadata, createDepartment } from '@aftersales/domain';

const department = createDepartment({ store: new InMemoryEventStore() });
const metadata = commandMetadata('c-1', { id: 'DM-1', role: 'DepartmentManager' }, '2026-07-01T09:00:00+08:00');

// type error: an unknown command type
await department.handle({
  type: 'NoSuchCommand',
  data: { orderId: 'RO-1' },
  metadata,
});

// type error: ScheduleRepair without its specialistId
await department.handle({
  type: 'ScheduleRepair',
  data: { orderId: 'RO-1', promisedBy: '2026-07-02T09:00:00+08:00' },
  metadata,
});

// type error: DeptManager is not a Role
await department.handle({
  type: 'ConfirmReceipt',
  data: { orderId: 'RO-1' },
  metadata: commandMetadata('c-2', { id: 'DM-1', role: 'DeptManager' }, '2026-07-01T09:00:00+08:00'),
});

// type error: parsed JSON goes through handleUntrusted, not the typed entry point
await department.handle(JSON.parse('{}') as unknown);

await department.handleUntrusted(JSON.parse('{}') as unknown);
