import { HOUR, localTime } from './calendar.js';
import { emitterFor } from './emitter.js';
import { departmentManager, endpoint, endpointIds, endpointStaff, generalManager } from './people.js';
import type { Random } from './random.js';
import type { Timeline } from './timeline.js';

export const STANDARD_ID = 'STD-SERVICE';

const clausesV1 = [
  'Every garment is received with a signed repair slip naming the work and the customer',
  'The department confirms receipt within 24 hours and tells the endpoint the promised date',
  'Repairs and finishing are inspected before the garment is packaged',
  'The endpoint confirms the return with the customer and records their opinion',
];
const clausesV2 = [...clausesV1, 'Customers are refunded in cash when a repair is late'];
const clausesV3 = [...clausesV1, 'A late repair is announced to the customer before the promised date passes'];
const findings = ['repair slips not signed by the customer', 'garments stored unlabelled', 'feedback not recorded within a week'];

/**
 * The year of the department's service standard: version 1 published in January, a version 2 the
 * general manager rejects, a version 3 that replaces version 1 in June; acknowledgements (two endpoints
 * never acknowledge version 3, one never acknowledged version 1), training, assessments and inspections.
 */
export const scheduleServiceStandard = (timeline: Timeline, random: Random, year: number): void => {
  const emit = emitterFor(timeline, STANDARD_ID);
  const standardId = STANDARD_ID;
  const title = 'After-sales service standard 售后服务标准';
  const at = (month: number, day: number, hour = 10) => localTime(year, month, day, hour, random.int(0, 59));
  const endpoints = [...endpointIds];

  emit(at(1, 5), departmentManager, 'DraftStandard', { standardId, version: 1, title, clauses: clausesV1 });
  emit(at(1, 6), departmentManager, 'SubmitStandard', { standardId, version: 1 });
  emit(at(1, 8), generalManager, 'ApproveStandard', { standardId, version: 1 });
  emit(at(1, 9), departmentManager, 'PublishStandard', { standardId, version: 1, endpointIds: endpoints });
  const versionLife = (version: number, acknowledging: readonly string[], firstMonth: number, lastMonth: number, published: number) => {
    for (const endpointId of acknowledging) {
      emit(published + random.int(1, 10) * 24 * HOUR + random.int(0, 8) * HOUR, endpoint(endpointId), 'AcknowledgeStandard', {
        standardId,
        version,
        endpointId,
      });
    }
    endpoints.forEach((endpointId, index) => {
      const staff = endpointStaff(endpointId);
      emit(at(firstMonth, 20 + (index % 6), 14), departmentManager, 'RecordTraining', { standardId, version, endpointId, attendees: staff });
      staff.slice(0, 2).forEach((employeeId, which) => {
        // One endpoint employee fails each version's assessment, so the pass rate is never a foregone 100%.
        const failing = index === 3 && which === 1;
        const score = failing ? random.int(55, 74) : random.int(76, 99);
        emit(at(firstMonth + 1, 3 + index, 15), departmentManager, 'RecordAssessment', {
          standardId,
          version,
          endpointId,
          employeeId,
          score,
          passMark: 80,
        });
      });
    });
    for (let month = firstMonth + 1; month <= lastMonth; month += 1) {
      for (const endpointId of [endpoints[month % 6]!, endpoints[(month + 3) % 6]!]) {
        const compliant = !random.chance(0.25);
        emit(at(month, 12 + (month % 10), 11), departmentManager, 'InspectCompliance', {
          standardId,
          version,
          endpointId,
          compliant,
          findings: compliant ? [] : [random.pick(findings)],
        });
      }
    }
  };
  versionLife(1, endpoints.slice(0, 5), 1, 5, localTime(year, 1, 9, 18));

  emit(at(6, 1), departmentManager, 'DraftStandard', { standardId, version: 2, title, clauses: clausesV2 });
  emit(at(6, 2), departmentManager, 'SubmitStandard', { standardId, version: 2 });
  emit(at(6, 5), generalManager, 'RejectStandard', {
    standardId,
    version: 2,
    reason: 'cash refunds are decided by finance, not by a service standard',
  });
  emit(at(6, 8), departmentManager, 'DraftStandard', { standardId, version: 3, title, clauses: clausesV3 });
  emit(at(6, 9), departmentManager, 'SubmitStandard', { standardId, version: 3 });
  emit(at(6, 12), generalManager, 'ApproveStandard', { standardId, version: 3 });
  emit(at(6, 15), departmentManager, 'PublishStandard', { standardId, version: 3, endpointIds: endpoints });
  versionLife(3, endpoints.slice(0, 4), 7, 12, localTime(year, 6, 15, 18));
};
