// A strict TypeScript service on the installed packages: the typed entry point for commands built in
// code, the untrusted entry point for JSON, and the KPIs read back. The consumer test runs it with
// plain node and checks what it prints.
import * as E from 'fp-ts/lib/Either.js';
import type { DepartmentActor, DepartmentCommand, Role } from '@aftersales/domain';
import { commandMetadata } from '@aftersales/domain';
import { openDepartment } from '@aftersales/service';

const directory = process.argv[2] ?? '.';
// The log in service.db, the customers' keys in service.keys.db beside it, the read models in the log's file.
const opened = await openDepartment({ store: `sqlite:${directory}/service.db` });
if (E.isLeft(opened)) throw new Error(`cannot open the department: ${opened.left.code}: ${opened.left.message}`);
const { department, readModels } = opened.right;

const endpointRole: Role = 'BusinessEndpoint';
const endpoint: DepartmentActor = { id: 'EP-01', role: endpointRole };
const receive: DepartmentCommand = {
  type: 'ReceiveRepairOrder',
  data: {
    orderId: 'RO-1',
    endpointId: 'EP-01',
    customer: { name: '王芳', phone: '13800000000' },
    garment: 'wool coat',
    workItems: ['hemming'],
    requirements: 'shorten 2cm',
  },
  metadata: commandMetadata('c-1', endpoint, '2026-03-02T09:00:00+08:00'),
};
const received = await department.handle(receive);
if (E.isLeft(received)) throw new Error(`refused: ${received.left.code}: ${received.left.message}`);
console.log('accepted', received.right.events.map((event) => `${event.streamId}@${event.revision} ${event.type}`).join(', '));

const forbidden = await department.handle({
  type: 'ConfirmReceipt',
  data: { orderId: 'RO-1' },
  metadata: commandMetadata('c-2', { id: 'AU-1', role: 'Auditor' }, new Date('2026-03-02T01:30:00Z')),
});
console.log('auditor', E.isLeft(forbidden) ? forbidden.left.code : 'accepted');

const untrusted: unknown = JSON.parse('{"type":"NoSuchCommand","data":{},"metadata":{}}');
const malformed = await department.handleUntrusted(untrusted);
console.log('untrusted', E.isLeft(malformed) ? `${malformed.left.code}: ${malformed.left.message}` : 'accepted');

const caughtUp = await readModels.models.catchUp();
if (E.isLeft(caughtUp)) throw new Error(caughtUp.left.message);
const kpis = await readModels.models.kpis({ period: '2026-03', asOf: '2026-03-04T09:00:00+08:00' });
if (E.isLeft(kpis)) throw new Error(kpis.left.message);
const timelyReceipt = kpis.right.results.find((kpi) => kpi.kpi === 'timelyReceipt');
console.log('timelyReceipt', `${timelyReceipt?.numerator}/${timelyReceipt?.denominator}`, 'missed', (timelyReceipt?.missed ?? []).join(','));
await opened.right.close();
