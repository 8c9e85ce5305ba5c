import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { EmployeeFacts, Evidence, SpellFact } from './facts/schema.js';
import { computeKpis } from './kpis.js';
import { parsePeriod, periodEnd, periodStart } from './periods.js';
import { right } from './test-department.js';

// The per-period ratio of staff turnover, against DOMAIN.md's formula counted another way.
describe('staffTurnover recomputed independently', () => {
  const DAY = 86_400_000;
  const start2026 = Date.parse('2026-01-01T00:00:00+08:00');
  const evidence = (type: string, epochMs: number, streamId: string, revision: number): Evidence => ({
    type,
    at: new Date(epochMs).toISOString(),
    epochMs,
    streamId,
    revision,
    position: String(epochMs),
  });
  const reasons = ['resigned', 'dismissed', 'transferred', 'retired'] as const;
  // Employees with stretches of employment from late 2025 into 2027: joined, and left (or not) some days later.
  const staff = fc.array(
    fc.array(fc.record({ gapDays: fc.integer({ min: 0, max: 200 }), stayDays: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }), reason: fc.constantFrom(...reasons) }), {
      minLength: 1,
      maxLength: 3,
    }),
    { maxLength: 12 },
  );

  it('equals the leavers of the period over those employed at its start plus those who joined during it, for any period and instant', () => {
    fc.assert(
      fc.property(staff, fc.constantFrom('2026-01', '2026-02', '2026-06', '2026-Q1', '2026-Q3', '2026'), fc.integer({ min: 0, max: 400 }), (employees, period, asOfDay) => {
        const subjects: EmployeeFacts[] = employees.map((stretches, index) => {
          const employeeId = `E-${index}`;
          const streamId = `Employee-${employeeId}`;
          let clock = start2026 - 60 * DAY + index * 3_600_000;
          let revision = 0;
          const spells: SpellFact[] = [];
          for (const stretch of stretches) {
            clock += stretch.gapDays * DAY;
            const joined = evidence('EmployeeJoined', clock, streamId, revision++);
            if (stretch.stayDays === undefined) {
              spells.push({ joined, position: 'AfterSalesSpecialist' });
              break;
            }
            clock += stretch.stayDays * DAY + 1;
            spells.push({ joined, position: 'AfterSalesSpecialist', left: { evidence: evidence('EmployeeLeft', clock, streamId, revision++), reason: stretch.reason } });
          }
          return { kind: 'employee', employeeId, spells };
        });
        const asOf = start2026 + asOfDay * DAY;
        const parsed = parsePeriod(period);
        if (E.isLeft(parsed)) throw new Error(parsed.left);
        const from = periodStart(parsed.right, 'Asia/Shanghai');
        const to = periodEnd(parsed.right, 'Asia/Shanghai');
        let employedAtStart = 0;
        let joinedDuring = 0;
        let leavers = 0;
        for (const { spells } of subjects) {
          for (const spell of spells) {
            const joined = spell.joined.epochMs;
            const left = spell.left !== undefined && spell.left.evidence.epochMs <= asOf ? spell.left : undefined;
            if (joined > asOf) continue;
            if (joined < from && (left === undefined || left.evidence.epochMs >= from)) employedAtStart += 1;
            if (joined >= from && joined < to) joinedDuring += 1;
            if (left !== undefined && left.evidence.epochMs >= from && left.evidence.epochMs < to && (left.reason === 'resigned' || left.reason === 'dismissed')) leavers += 1;
          }
        }
        const [result] = right(computeKpis(subjects, { period, asOf: new Date(asOf), kpis: ['staffTurnover'] }));
        expect({ numerator: result!.numerator, denominator: result!.denominator }).toEqual({ numerator: leavers, denominator: employedAtStart + joinedDuring });
        expect(result!.pendingCount).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
