import type { FinishingStep, WorkItem } from '../repair-order/commands.js';
import { DAY, HOUR, MINUTE, isoLocal, startOfLocalDay } from './calendar.js';
import { emitterFor } from './emitter.js';
import { departmentManager, endpoint, endpointIds, specialist, specialistIds } from './people.js';
import type { Random } from './random.js';
import type { Timeline } from './timeline.js';

/** How often things go wrong in a year of repairs: the shape behind the KPIs the demo shows. */
export const repairRates = {
  lateReceipt: 0.06,
  cancelled: 0.03,
  rescheduled: 0.08,
  lateRepair: 0.05,
  failedRepairInspection: 0.07,
  failedFinishingInspection: 0.05,
  dissatisfied: 0.08,
} as const;

const familyNames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'];
const givenNames = ['芳', '伟', '娜', '敏', '静', '磊', '洋', '艳', '勇', '军', '杰', '婷'];
const garments = ['wool coat', 'silk dress', 'denim trousers', 'cashmere sweater', 'suit jacket', 'cotton shirt', 'down jacket', 'pleated skirt'];
const workItems: readonly WorkItem[] = ['hemming', 'waistAlteration', 'creativeRepair', 'other'];
const requirementsFor: Readonly<Record<WorkItem, readonly string[]>> = {
  hemming: ['shorten 2cm', 'shorten 3.5cm, keep the original hem', 'let down the hem 1cm'],
  waistAlteration: ['take in the waist 2cm', 'let out the waist 1.5cm'],
  creativeRepair: ['embroider over a moth hole on the sleeve', 'patch a torn elbow invisibly'],
  other: ['replace a broken zip', 'sew on two missing buttons', 'reinforce the pocket seams'],
};
const repairDefects = ['stitching uneven along the hem', 'hem length off by 0.5cm', 'thread colour does not match', 'waist seam puckers'];
const finishingDefects = ['crease left on the sleeve', 'fold marks on the collar', 'iron shine on the lapel'];
const rescheduleReasons = ['matching fabric is on back order', 'specialist on sick leave', 'customer asked for an extra alteration'];
const praise = ['very satisfied, looks like new', 'quick and careful work', 'good, thank you'];
const complaints = ['the colour of the thread is visible', 'took longer than promised', 'the hem is not straight'];
const cancelReasons = ['customer withdrew the request', 'customer bought a replacement', 'garment cannot be repaired without damage'];
const clerks = ['店员小李', '店员小王', 'VIP 顾问陈', '前台周'];

const between = (random: Random, min: number, max: number): number => min + Math.floor(random.next() * (max - min));

/** The shared state of all orders: one deliberate mistake is made in the first late order of the year. */
export interface RepairOrderMemory {
  lateRescheduleAttempted: boolean;
}

/** The id of the one reschedule the simulation sends too late on purpose; the domain refuses it. */
export const LATE_RESCHEDULE_COMMAND_ID = 'sim/refused/reschedule-after-promise';

/**
 * Puts the whole life of one repair order onto the timeline, from its receipt to its close or
 * cancellation; each step follows the one before by a plausible delay.
 */
export const scheduleRepairOrder = (
  timeline: Timeline,
  random: Random,
  memory: RepairOrderMemory,
  orderId: string,
  receivedAt: number,
): void => {
  const emit = emitterFor(timeline, orderId, true);
  const endpointId = random.pick(endpointIds);
  const counter = endpoint(endpointId);
  const firstItem = random.pick(workItems);
  const items = random.chance(0.2) ? [...new Set([firstItem, random.pick(workItems)])] : [firstItem];
  const phone = `13${random.int(0, 9)}${String(random.int(0, 99_999_999)).padStart(8, '0')}`;
  emit(receivedAt, counter, 'ReceiveRepairOrder', {
    orderId,
    endpointId,
    customer: { name: `${random.pick(familyNames)}${random.pick(givenNames)}`, phone },
    garment: random.pick(garments),
    workItems: items,
    requirements: random.pick(requirementsFor[firstItem]),
  });

  const cancelStage = random.chance(repairRates.cancelled) ? random.pick(['received', 'scheduled', 'inRepair'] as const) : undefined;
  const cancel = (at: number, byEndpoint: boolean) =>
    emit(at, byEndpoint ? counter : departmentManager, 'CancelRepairOrder', { orderId, reason: random.pick(cancelReasons) });

  let t = receivedAt;
  if (cancelStage === 'received') return cancel(t + between(random, 1 * HOUR, 10 * HOUR), true);

  t += random.chance(repairRates.lateReceipt) ? between(random, 25 * HOUR, 40 * HOUR) : between(random, 20 * MINUTE, 5 * HOUR);
  emit(t, departmentManager, 'ConfirmReceipt', { orderId });
  t += between(random, 10 * MINUTE, 90 * MINUTE);
  const specialistId = random.pick(specialistIds);
  const technician = specialist(specialistId);
  let promisedBy = startOfLocalDay(t) + random.int(3, 6) * DAY + 18 * HOUR;
  emit(t, departmentManager, 'ScheduleRepair', { orderId, promisedBy: isoLocal(promisedBy), specialistId });
  if (cancelStage === 'scheduled') return cancel(t + between(random, 2 * HOUR, 30 * HOUR), random.chance(0.5));

  if (random.chance(repairRates.rescheduled)) {
    t += between(random, 1 * HOUR, 6 * HOUR);
    const previous = promisedBy;
    promisedBy = previous + random.int(1, 3) * DAY;
    emit(t, departmentManager, 'RescheduleRepair', { orderId, promisedBy: isoLocal(promisedBy), reason: random.pick(rescheduleReasons) });
  }
  t += between(random, 2 * HOUR, 20 * HOUR);
  emit(t, technician, 'StartRepair', { orderId });
  if (cancelStage === 'inRepair') return cancel(t + between(random, 1 * HOUR, 4 * HOUR), false);

  const late = random.chance(repairRates.lateRepair);
  if (late && !memory.lateRescheduleAttempted) {
    // A manager who notices too late tries to move the promise after it has passed; the rule refuses it.
    memory.lateRescheduleAttempted = true;
    emit(
      promisedBy + between(random, 1 * HOUR, 2 * HOUR),
      departmentManager,
      'RescheduleRepair',
      { orderId, promisedBy: isoLocal(promisedBy + 2 * DAY), reason: 'repair is running late' },
      LATE_RESCHEDULE_COMMAND_ID,
    );
  }
  t += between(random, 1 * HOUR, 8 * HOUR);
  if (late) t = Math.max(t, promisedBy + between(random, 3 * HOUR, 30 * HOUR));
  emit(t, technician, 'CompleteRepair', { orderId });
  t += between(random, 30 * MINUTE, 4 * HOUR);
  if (random.chance(repairRates.failedRepairInspection)) {
    emit(t, departmentManager, 'InspectRepair', { orderId, passed: false, defects: [random.pick(repairDefects)] });
    t += between(random, 1 * HOUR, 4 * HOUR);
    emit(t, technician, 'StartRepair', { orderId });
    t += between(random, 2 * HOUR, 6 * HOUR);
    emit(t, technician, 'CompleteRepair', { orderId });
    t += between(random, 1 * HOUR, 3 * HOUR);
  }
  emit(t, departmentManager, 'InspectRepair', { orderId, passed: true, defects: [] });

  const steps: FinishingStep[] = random.chance(0.6) ? ['ironing', 'folding'] : [random.pick(['ironing', 'folding'] as const)];
  t += between(random, 1 * HOUR, 5 * HOUR);
  emit(t, technician, 'FinishGarment', { orderId, steps });
  t += between(random, 30 * MINUTE, 3 * HOUR);
  if (random.chance(repairRates.failedFinishingInspection)) {
    emit(t, departmentManager, 'InspectFinishing', { orderId, passed: false, defects: [random.pick(finishingDefects)] });
    t += between(random, 1 * HOUR, 3 * HOUR);
    emit(t, technician, 'FinishGarment', { orderId, steps });
    t += between(random, 30 * MINUTE, 2 * HOUR);
  }
  emit(t, departmentManager, 'InspectFinishing', { orderId, passed: true, defects: [] });
  t += between(random, 30 * MINUTE, 2 * HOUR);
  emit(t, technician, 'PackageGarment', { orderId });
  t += between(random, 2 * HOUR, 24 * HOUR);
  emit(t, technician, 'ReturnGarment', { orderId });
  t += between(random, 1 * HOUR, 48 * HOUR);
  emit(t, counter, 'ConfirmReturn', { orderId, receivedBy: random.pick(clerks) });
  t += between(random, 1 * HOUR, 72 * HOUR);
  const satisfied = !random.chance(repairRates.dissatisfied);
  emit(t, counter, 'RecordFeedback', { orderId, satisfied, opinion: random.pick(satisfied ? praise : complaints) });
  t += between(random, 1 * HOUR, 24 * HOUR);
  emit(t, departmentManager, 'CloseRepairOrder', { orderId });
};
