import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppraisalCommand } from '../appraisal/commands.js';
import { BudgetCommand } from '../budget/commands.js';
import { RepairOrderCommand } from '../repair-order/commands.js';
import { ServiceStandardCommand } from '../service-standard/commands.js';
import { ImprovementCommand } from '../improvement/commands.js';
import { SuggestionCommand } from '../suggestion/commands.js';
import { AssignmentCommand } from '../assignment/commands.js';
import { EmployeeCommand } from '../employee/commands.js';
import { JobDescriptionCommand } from '../job-description/commands.js';
import { localTime, onDuty } from './calendar.js';
import { deliberateRefusals, seededRandom, simulateYear } from './index.js';

const DepartmentCommand = z.union([
  RepairOrderCommand,
  ServiceStandardCommand,
  AppraisalCommand,
  BudgetCommand,
  ImprovementCommand,
  SuggestionCommand,
  AssignmentCommand,
  EmployeeCommand,
  JobDescriptionCommand,
]);
const year = (seed: number, orders: number) => [...simulateYear({ seed, orders })];

describe('simulateYear', () => {
  it('gives the same year, command for command, for the same seed', () => {
    expect(JSON.stringify(year(7, 300))).toBe(JSON.stringify(year(7, 300)));
  });

  it('gives a different year for another seed', () => {
    expect(JSON.stringify(year(7, 300))).not.toBe(JSON.stringify(year(8, 300)));
  });

  // Thousands of commands, each decoded with every field's rules: several seconds on a busy machine.
  it('sends every command in the JSON form of the domain contract, in business-time order, with unique ids', () => {
    const commands = year(42, 500);
    const ids = new Set<string>();
    let previous = Number.NEGATIVE_INFINITY;
    for (const command of commands) {
      const roundTripped: unknown = JSON.parse(JSON.stringify(command));
      const parsed = DepartmentCommand.safeParse(roundTripped);
      expect(parsed.success, `${command.metadata.commandId}: ${parsed.error?.message ?? ''}`).toBe(true);
      expect(command.metadata.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      const at = Date.parse(command.metadata.at);
      expect(at).toBeGreaterThanOrEqual(previous);
      previous = at;
      expect(ids.has(command.metadata.commandId)).toBe(false);
      ids.add(command.metadata.commandId);
    }
  }, 30_000);

  it('simulates the whole department: every aggregate, every kind of mishap the KPIs measure', () => {
    const commands = year(42, 2000);
    const types = new Set(commands.map((command) => command.type));
    for (const type of ['ReceiveRepairOrder', 'RescheduleRepair', 'CancelRepairOrder', 'RejectStandard', 'PublishStandard', 'DecideRecommendation', 'AdjustLine', 'CloseBudget']) {
      expect(types).toContain(type);
    }
    const data = (type: string) => commands.filter((command) => command.type === type).map((command) => command.data as Record<string, unknown>);
    expect(data('InspectRepair').some((inspection) => inspection['passed'] === false)).toBe(true);
    expect(data('InspectFinishing').some((inspection) => inspection['passed'] === false)).toBe(true);
    expect(data('RecordFeedback').some((feedback) => feedback['satisfied'] === false)).toBe(true);
    expect(data('InspectCompliance').some((inspection) => inspection['compliant'] === false)).toBe(true);
    expect(data('DecideRecommendation').some((decision) => decision['approved'] === false)).toBe(true);
    expect(data('ReviewBudget').map((review) => review['approved'])).toEqual([false, true]);
    const refused = commands.filter((command) => deliberateRefusals.has(command.metadata.commandId));
    expect(refused.map((command) => command.metadata.commandId).sort()).toEqual([...deliberateRefusals.keys()].sort());
  });

  it('simulates the rest of the department: every new stream, with misses of each kind and items still open at year end', () => {
    const commands = year(42, 200);
    const data = (type: string) => commands.filter((command) => command.type === type).map((command) => command.data as Record<string, unknown>);
    const last = Date.parse(commands.at(-1)!.metadata.at);
    const stillOpenAtYearEnd = (type: string) => data(type).some((item) => typeof item['dueBy'] === 'string' && Date.parse(item['dueBy']) > last);
    // 改进达标率: fixes verified late or never effective, a reopened issue, an issue cancelled after its due date.
    expect(data('VerifyImprovement').some((verdict) => verdict['effective'] === false)).toBe(true);
    expect(data('CancelIssue')).toHaveLength(2);
    expect(stillOpenAtYearEnd('RaiseIssue')).toBe(true);
    // 合理化建议采纳率: some not adopted, one still undecided.
    expect(data('DecideSuggestion').some((decision) => decision['adopted'] === false)).toBe(true);
    expect(data('DecideSuggestion').length).toBe(data('ProposeSuggestion').length - 1);
    // 委派工作完成及时率: a withdrawn task and one still open.
    expect(data('WithdrawTask')).toHaveLength(1);
    expect(stillOpenAtYearEnd('DelegateTask')).toBe(true);
    // 员工流失率: people resign and are dismissed (turnover) and are transferred (not turnover).
    expect(data('LeaveDepartment').map((leaving) => leaving['reason']).sort()).toEqual(['dismissed', 'resigned', 'transferred']);
    expect(data('JoinDepartment').length).toBeGreaterThan(7);
    // 岗位职责知晓率: explained to more specialists than ever confirm.
    const explained = data('ExplainJobDescription').flatMap((explanation) => explanation['employeeIds'] as string[]);
    expect(data('ConfirmJobDescription').length).toBeLessThan(explained.length);
    expect(data('FileJobDescription').length).toBeGreaterThan(0);
    // 完善率: planned documents of every kind, one still due at year end.
    expect(new Set(data('PlanStandard').map((plan) => plan['kind']))).toEqual(new Set(['standard', 'rule', 'process', 'tool']));
    expect(stillOpenAtYearEnd('PlanStandard')).toBe(true);
  });

  it('keeps to about 13 commands an order, so a benchmark can size its year by the order count', () => {
    const commands = year(1, 1000);
    expect(commands.length / 1000).toBeGreaterThan(12);
    expect(commands.length / 1000).toBeLessThan(15);
  });

  it('is empty of repair orders when asked for none', () => {
    expect(year(1, 0).some((command) => command.type === 'ReceiveRepairOrder')).toBe(false);
  });
});

describe('seededRandom', () => {
  it('stays within its bounds and repeats for a seed', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 50 }), (seed, min, span) => {
        const first = seededRandom(seed);
        const second = seededRandom(seed);
        for (let draw = 0; draw < 20; draw += 1) {
          const value = first.int(min, min + span);
          expect(value).toBe(second.int(min, min + span));
          expect(value).toBeGreaterThanOrEqual(min);
          expect(value).toBeLessThanOrEqual(min + span);
        }
      }),
    );
  });
});

describe('onDuty', () => {
  it('keeps working hours and moves the night to the next morning, never earlier than asked', () => {
    const at = (day: number, hour: number, minute = 0) => localTime(2026, 3, day, hour, minute);
    expect(onDuty(at(2, 10))).toBe(at(2, 10));
    expect(onDuty(at(2, 19))).toBe(at(3, 9));
    expect(onDuty(at(3, 2))).toBeGreaterThan(at(3, 9));
    expect(onDuty(at(3, 8, 59))).toBeLessThan(at(3, 9, 30));
    fc.assert(
      fc.property(fc.integer({ min: at(1, 0), max: at(31, 0) }), (instant) => {
        const moved = onDuty(instant);
        expect(moved).toBeGreaterThanOrEqual(instant);
        const hour = new Date(moved + 8 * 3_600_000).getUTCHours();
        expect(hour >= 9 && hour < 19).toBe(true);
      }),
    );
  });
});
