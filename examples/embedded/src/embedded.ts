import * as E from 'fp-ts/lib/Either.js';
import type { KpiResult } from '@aftersales/read-models';
import { openDepartment } from '@aftersales/service';

const endpoint = { id: 'EP-01', role: 'BusinessEndpoint' };
const manager = { id: 'DM-01', role: 'DepartmentManager' };
const specialist = { id: 'SP-01', role: 'AfterSalesSpecialist' };

/** One repair order from report to close, as the people of the department send it. */
const repairOrderCommands = (orderId: string) => {
  let step = 0;
  const command = (type: string, data: Record<string, unknown>, actor: { id: string; role: string }, at: string) => ({
    type,
    data: { orderId, ...data },
    metadata: { commandId: `${orderId}/${(step += 1)}`, actor, at },
  });
  return [
    command(
      'ReceiveRepairOrder',
      { endpointId: 'EP-01', customer: { name: '王芳', phone: '13800000000' }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
      endpoint,
      '2026-03-02T09:00:00+08:00',
    ),
    command('ConfirmReceipt', {}, manager, '2026-03-02T10:00:00+08:00'),
    command('ScheduleRepair', { promisedBy: '2026-03-06T18:00:00+08:00', specialistId: 'SP-01' }, manager, '2026-03-02T10:30:00+08:00'),
    command('StartRepair', {}, specialist, '2026-03-03T09:00:00+08:00'),
    command('CompleteRepair', {}, specialist, '2026-03-03T15:00:00+08:00'),
    command('InspectRepair', { passed: true, defects: [] }, manager, '2026-03-03T16:00:00+08:00'),
    command('FinishGarment', { steps: ['ironing', 'folding'] }, specialist, '2026-03-04T09:00:00+08:00'),
    command('InspectFinishing', { passed: true, defects: [] }, manager, '2026-03-04T10:00:00+08:00'),
    command('PackageGarment', {}, specialist, '2026-03-04T11:00:00+08:00'),
    command('ReturnGarment', {}, specialist, '2026-03-04T14:00:00+08:00'),
    command('ConfirmReturn', { receivedBy: '店员小李' }, endpoint, '2026-03-05T10:00:00+08:00'),
    command('RecordFeedback', { satisfied: true, opinion: 'looks like new' }, endpoint, '2026-03-06T10:00:00+08:00'),
    command('CloseRepairOrder', {}, manager, '2026-03-06T11:00:00+08:00'),
  ];
};

export interface EmbeddedRun {
  readonly accepted: number;
  readonly refused: readonly string[];
  readonly kpis: readonly KpiResult[];
}

/**
 * Opens (or creates) the SQLite file, sends one repair order's life and one command the rules refuse,
 * and reads the month's KPIs. The read models keep their checkpoint in the same file, so a second run
 * reads only what is new; the commands carry ids, so a second run appends nothing twice.
 */
export const runEmbedded = async (path: string): Promise<EmbeddedRun> => {
  // The log, the customers' keys in a file of their own beside it (bound to the log, so that a wrong
  // or lost keys file is refused), the security log and the read models, in the log's own file.
  const opened = await openDepartment({ store: `sqlite:${path}` });
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  const { department, readModels, close } = opened.right;
  try {
    let accepted = 0;
    const refused: string[] = [];
    const tooLate = {
      type: 'RescheduleRepair',
      data: { orderId: 'RO-1', promisedBy: '2026-03-09T18:00:00+08:00', reason: 'customer asked for more time' },
      metadata: { commandId: 'RO-1/late-reschedule', actor: manager, at: '2026-03-07T09:00:00+08:00' },
    };
    for (const command of [...repairOrderCommands('RO-1'), tooLate]) {
      const result = await department.handleUntrusted(command);
      if (E.isRight(result)) accepted += 1;
      else refused.push(`${command.type}: ${result.left.code} (${result.left.message})`);
    }

    // `openDepartment({ …, readModels: 'postgres://…' })` shares the read models between services.
    const caughtUp = await readModels.models.catchUp();
    if (E.isLeft(caughtUp)) throw new Error(caughtUp.left.message);
    const answer = await readModels.models.kpis({ period: '2026-03', asOf: '2026-03-31T23:59:59+08:00' });
    if (E.isLeft(answer)) throw new Error(answer.left.message);
    return { accepted, refused, kpis: answer.right.results };
  } finally {
    await close();
  }
};
