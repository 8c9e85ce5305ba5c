import type { RecordedEvent } from '@aftersales/core';
import { COMMAND_REFUSED, CommandRefused, REFUSAL_RECORDED, RefusalRecordedData, refusedStreamOf } from '@aftersales/core';
import type { DepartmentEvent } from '@aftersales/domain';
import type { Decoded } from './decode.js';

export interface Summary {
  readonly zh: string;
  readonly en: string;
}

const yuan = (fen: number): string => `${(fen / 100).toFixed(2)}`;
const list = (items: readonly string[]): string => (items.length === 0 ? '—' : items.join(', '));
const yes = (flag: boolean, en: [string, string], zh: [string, string]) => ({ en: flag ? en[0] : en[1], zh: flag ? zh[0] : zh[1] });

// Keyed by every event type, so the compiler still demands a summary for each, and finding one is a
// single lookup rather than trying each pattern in turn for every event of a rebuild.
const departmentSummaries: { readonly [T in DepartmentEvent['type']]: (event: Extract<DepartmentEvent, { type: T }>) => Summary } = {
  RepairOrderReceived: ({ data }) => ({
    zh: `业务端 ${data.endpointId} 报修，修复单 ${data.orderId}：${data.garment}（${data.workItems.join('、')}）`,
    en: `Repair order ${data.orderId} received from endpoint ${data.endpointId}: ${data.garment} (${list(data.workItems)})`,
  }),
  ReceiptConfirmed: ({ data }) => ({ zh: `修复单 ${data.orderId} 已确认接收`, en: `Receipt of repair order ${data.orderId} confirmed` }),
  RepairScheduled: ({ data }) => ({
    zh: `修复单 ${data.orderId} 排期：由 ${data.specialistId} 修复，承诺 ${data.promisedBy} 前完成`,
    en: `Repair order ${data.orderId} scheduled with ${data.specialistId}, promised by ${data.promisedBy}`,
  }),
  RepairRescheduled: ({ data }) => ({
    zh: `修复单 ${data.orderId} 改期：${data.previousPromisedBy} → ${data.promisedBy}（${data.reason}）`,
    en: `Repair order ${data.orderId} rescheduled from ${data.previousPromisedBy} to ${data.promisedBy} (${data.reason})`,
  }),
  RepairStarted: ({ data }) => ({ zh: `${data.specialistId} 开始修复 ${data.orderId}`, en: `${data.specialistId} started repairing ${data.orderId}` }),
  RepairCompleted: ({ data }) => ({ zh: `${data.specialistId} 完成修复 ${data.orderId}`, en: `${data.specialistId} completed the repair of ${data.orderId}` }),
  RepairInspected: ({ data }) => {
    const verdict = yes(data.passed, ['passed', 'failed'], ['通过', '未通过']);
    return {
      zh: `修复单 ${data.orderId} 第${data.attempt}次修复检验${verdict.zh}${data.passed ? '' : `：${data.defects.join('；')}`}`,
      en: `Repair of ${data.orderId} ${verdict.en} inspection ${data.attempt}${data.passed ? '' : `: ${list(data.defects)}`}`,
    };
  },
  GarmentFinished: ({ data }) => ({ zh: `修复单 ${data.orderId} 整理完成（${data.steps.join('、')}）`, en: `Garment of ${data.orderId} finished (${list(data.steps)})` }),
  FinishingInspected: ({ data }) => {
    const verdict = yes(data.passed, ['passed', 'failed'], ['通过', '未通过']);
    return {
      zh: `修复单 ${data.orderId} 第${data.attempt}次整理检验${verdict.zh}${data.passed ? '' : `：${data.defects.join('；')}`}`,
      en: `Finishing of ${data.orderId} ${verdict.en} inspection ${data.attempt}${data.passed ? '' : `: ${list(data.defects)}`}`,
    };
  },
  GarmentPackaged: ({ data }) => ({ zh: `修复单 ${data.orderId} 已包装`, en: `Garment of ${data.orderId} packaged` }),
  GarmentReturned: ({ data }) => ({ zh: `修复单 ${data.orderId} 已寄回业务端`, en: `Garment of ${data.orderId} returned to the endpoint` }),
  ReturnConfirmed: ({ data }) => ({ zh: `修复单 ${data.orderId} 已确认收到`, en: `Return of ${data.orderId} confirmed` }),
  FeedbackRecorded: ({ data }) => {
    const verdict = yes(data.satisfied, ['satisfied', 'not satisfied'], ['满意', '不满意']);
    return { zh: `修复单 ${data.orderId} 客户回访：${verdict.zh}`, en: `Feedback on ${data.orderId}: customer ${verdict.en}` };
  },
  RepairOrderCancelled: ({ data }) => ({ zh: `修复单 ${data.orderId} 已取消：${data.reason}`, en: `Repair order ${data.orderId} cancelled: ${data.reason}` }),
  RepairOrderClosed: ({ data }) => ({ zh: `修复单 ${data.orderId} 已关闭`, en: `Repair order ${data.orderId} closed` }),
  StandardDrafted: ({ data }) => ({
    zh: `起草标准 ${data.standardId} 第${data.version}版《${data.title}》`,
    en: `Standard ${data.standardId} v${data.version} "${data.title}" drafted`,
  }),
  StandardSubmitted: ({ data }) => ({ zh: `标准 ${data.standardId} 第${data.version}版报总经理审批`, en: `Standard ${data.standardId} v${data.version} submitted for approval` }),
  StandardApproved: ({ data }) => ({ zh: `标准 ${data.standardId} 第${data.version}版获批准`, en: `Standard ${data.standardId} v${data.version} approved` }),
  StandardRejected: ({ data }) => ({ zh: `标准 ${data.standardId} 第${data.version}版被驳回：${data.reason}`, en: `Standard ${data.standardId} v${data.version} rejected: ${data.reason}` }),
  StandardPublished: ({ data }) => ({
    zh: `标准 ${data.standardId} 第${data.version}版发布至 ${data.endpointIds.join('、')}`,
    en: `Standard ${data.standardId} v${data.version} published to ${list(data.endpointIds)}`,
  }),
  StandardSuperseded: ({ data }) => ({
    zh: `标准 ${data.standardId} 第${data.version}版被第${data.supersededBy}版取代`,
    en: `Standard ${data.standardId} v${data.version} superseded by v${data.supersededBy}`,
  }),
  StandardAcknowledged: ({ data }) => ({
    zh: `业务端 ${data.endpointId} 确认知晓标准 ${data.standardId} 第${data.version}版`,
    en: `Endpoint ${data.endpointId} acknowledged standard ${data.standardId} v${data.version}`,
  }),
  TrainingRecorded: ({ data }) => ({
    zh: `业务端 ${data.endpointId} 标准 ${data.standardId} 第${data.version}版培训，${data.attendees.length}人参加`,
    en: `Training on standard ${data.standardId} v${data.version} at ${data.endpointId}, ${data.attendees.length} attendee(s)`,
  }),
  AssessmentRecorded: ({ data }) => {
    const verdict = yes(data.passed, ['passed', 'failed'], ['通过', '未通过']);
    return {
      zh: `${data.employeeId}（${data.endpointId}）标准 ${data.standardId} 第${data.version}版考核${verdict.zh}：${data.score}分（及格线${data.passMark}分）`,
      en: `${data.employeeId} (${data.endpointId}) ${verdict.en} the assessment on ${data.standardId} v${data.version}: ${data.score}/${data.passMark}`,
    };
  },
  ComplianceInspected: ({ data }) => {
    const verdict = yes(data.compliant, ['compliant', 'not compliant'], ['合规', '不合规']);
    return {
      zh: `业务端 ${data.endpointId} 执行标准 ${data.standardId} 第${data.version}版检查：${verdict.zh}`,
      en: `Compliance of ${data.endpointId} with ${data.standardId} v${data.version}: ${verdict.en}`,
    };
  },
  StandardRetired: ({ data }) => ({ zh: `标准 ${data.standardId} 已废止：${data.reason}`, en: `Standard ${data.standardId} retired: ${data.reason}` }),
  AppraisalPlanned: ({ data }) => ({
    zh: `计划考核 ${data.appraisalId}：${data.employeeId}，周期 ${data.cycle}，${data.dueBy} 前完成`,
    en: `Appraisal ${data.appraisalId} of ${data.employeeId} planned for ${data.cycle}, due by ${data.dueBy}`,
  }),
  AppraisalScored: ({ data }) => ({ zh: `考核 ${data.appraisalId} 评分：${data.rating}`, en: `Appraisal ${data.appraisalId} scored: ${data.rating}` }),
  AppraisalCompleted: ({ data }) => {
    const verdict = yes(data.competent, ['competent', 'not competent'], ['胜任', '不胜任']);
    return { zh: `${data.employeeId} 的考核 ${data.appraisalId} 完成：${data.rating}，${verdict.zh}`, en: `Appraisal ${data.appraisalId} of ${data.employeeId} completed: ${data.rating}, ${verdict.en}` };
  },
  RecommendationProposed: ({ data }) => ({ zh: `考核 ${data.appraisalId} 提出人事建议：${data.kind}`, en: `Recommendation (${data.kind}) proposed on appraisal ${data.appraisalId}` }),
  RecommendationDecided: ({ data }) => {
    const verdict = yes(data.approved, ['approved', 'not approved'], ['批准', '不批准']);
    return { zh: `总经理${verdict.zh}考核 ${data.appraisalId} 的人事建议（${data.kind}）`, en: `Recommendation (${data.kind}) on appraisal ${data.appraisalId} ${verdict.en}` };
  },
  AppraisalAcknowledged: ({ data }) => ({ zh: `${data.employeeId} 确认考核结果 ${data.appraisalId}`, en: `${data.employeeId} acknowledged appraisal ${data.appraisalId}` }),
  BudgetDrafted: ({ data }) => ({
    zh: `编制 ${data.fiscalYear} 年度预算 ${data.budgetId}，共${data.lines.length}项，合计 ¥${yuan(data.lines.reduce((sum, line) => sum + line.amount, 0))}`,
    en: `Budget ${data.budgetId} for ${data.fiscalYear} drafted: ${data.lines.length} line(s), ¥${yuan(data.lines.reduce((sum, line) => sum + line.amount, 0))}`,
  }),
  BudgetSubmitted: ({ data }) => ({ zh: `预算 ${data.budgetId} 提交财务部审核`, en: `Budget ${data.budgetId} submitted to finance` }),
  BudgetReviewed: ({ data }) => {
    const verdict = yes(data.approved, ['approved', 'returned'], ['通过', '退回']);
    return { zh: `财务部审核预算 ${data.budgetId}：${verdict.zh}`, en: `Finance review of budget ${data.budgetId}: ${verdict.en}` };
  },
  BudgetApproved: ({ data }) => ({ zh: `总经理批准预算 ${data.budgetId}`, en: `Budget ${data.budgetId} approved` }),
  ExpenseClaimed: ({ data }) => ({
    zh: `${data.claimantId} 报销 ${data.expenseId}：${data.category} ¥${yuan(data.amount)}`,
    en: `${data.claimantId} claimed expense ${data.expenseId}: ${data.category} ¥${yuan(data.amount)}`,
  }),
  ExpenseApproved: ({ data }) => ({ zh: `报销 ${data.expenseId} 获批：${data.category} ¥${yuan(data.amount)}`, en: `Expense ${data.expenseId} approved: ${data.category} ¥${yuan(data.amount)}` }),
  ExpenseRejected: ({ data }) => ({ zh: `报销 ${data.expenseId} 被驳回：${data.reason}`, en: `Expense ${data.expenseId} rejected: ${data.reason}` }),
  LineAdjusted: ({ data }) => ({
    zh: `预算 ${data.budgetId} 科目 ${data.category} 调整：¥${yuan(data.previousAmount)} → ¥${yuan(data.amount)}（${data.reason}）`,
    en: `Budget ${data.budgetId} line ${data.category} adjusted from ¥${yuan(data.previousAmount)} to ¥${yuan(data.amount)} (${data.reason})`,
  }),
  BudgetClosed: ({ data }) => ({
    zh: `预算 ${data.budgetId} 结账：已批准支出 ¥${yuan(data.lines.reduce((sum, line) => sum + line.approvedSpend, 0))}／预算 ¥${yuan(data.lines.reduce((sum, line) => sum + line.amount, 0))}`,
    en: `Budget ${data.budgetId} closed: ¥${yuan(data.lines.reduce((sum, line) => sum + line.approvedSpend, 0))} spent of ¥${yuan(data.lines.reduce((sum, line) => sum + line.amount, 0))}`,
  }),
  StandardPlanned: ({ data }) => ({
    zh: `计划 ${data.standardId} 第${data.version}版《${data.title}》（${data.kind}），${data.dueBy} 前发布`,
    en: `${data.kind} ${data.standardId} v${data.version} "${data.title}" planned, to be published by ${data.dueBy}`,
  }),
  IssueRaised: ({ data }) => ({
    zh: `问题 ${data.issueId}（${data.source}，${data.category}${data.orderId === undefined ? '' : `，修复单 ${data.orderId}`}）交 ${data.responsibleDepartment} 整改，${data.dueBy} 前完成`,
    en: `Issue ${data.issueId} (${data.source}, ${data.category}${data.orderId === undefined ? '' : `, order ${data.orderId}`}) sent to ${data.responsibleDepartment}, due by ${data.dueBy}`,
  }),
  ImprovementRecorded: ({ data }) => ({ zh: `${data.responsibleDepartment} 就问题 ${data.issueId} 提交整改措施`, en: `${data.responsibleDepartment} recorded an improvement for issue ${data.issueId}` }),
  ImprovementVerified: ({ data }) => {
    const verdict = yes(data.effective, ['effective: closed', 'not effective: reopened'], ['有效，问题关闭', '无效，问题重新打开']);
    return { zh: `问题 ${data.issueId} 整改验证：${verdict.zh}`, en: `Improvement of issue ${data.issueId} verified ${verdict.en}` };
  },
  IssueCancelled: ({ data }) => ({ zh: `问题 ${data.issueId} 已取消：${data.reason}`, en: `Issue ${data.issueId} cancelled: ${data.reason}` }),
  SuggestionProposed: ({ data }) => ({
    zh: `向 ${data.toDepartment} 提出合理化建议 ${data.suggestionId}《${data.title}》`,
    en: `Suggestion ${data.suggestionId} "${data.title}" proposed to ${data.toDepartment}`,
  }),
  SuggestionDecided: ({ data }) => {
    const verdict = yes(data.adopted, ['adopted', 'not adopted'], ['采纳', '未采纳']);
    return { zh: `${data.toDepartment} ${verdict.zh}合理化建议 ${data.suggestionId}`, en: `Suggestion ${data.suggestionId} ${verdict.en} by ${data.toDepartment}` };
  },
  TaskDelegated: ({ data }) => ({
    zh: `${data.delegatedBy} 委派工作 ${data.taskId}《${data.title}》，${data.dueBy} 前完成`,
    en: `Task ${data.taskId} "${data.title}" delegated by ${data.delegatedBy}, due by ${data.dueBy}`,
  }),
  TaskResultReported: ({ data }) => ({ zh: `委派工作 ${data.taskId} 结果已向 ${data.reportedTo} 汇报`, en: `Result of task ${data.taskId} reported to ${data.reportedTo}` }),
  TaskWithdrawn: ({ data }) => ({ zh: `委派工作 ${data.taskId} 已撤回：${data.reason}`, en: `Task ${data.taskId} withdrawn: ${data.reason}` }),
  EmployeeJoined: ({ data }) => ({ zh: `员工 ${data.employeeId} 入职，岗位 ${data.position}`, en: `Employee ${data.employeeId} joined as ${data.position}` }),
  EmployeeLeft: ({ data }) => ({ zh: `员工 ${data.employeeId}（${data.position}）离开本部门：${data.reason}`, en: `Employee ${data.employeeId} (${data.position}) left the department: ${data.reason}` }),
  LeaveRequested: ({ data }) => ({
    zh: `员工 ${data.employeeId} 申请请假 ${data.leaveId}：${data.from} 至 ${data.to}，${data.days}天`,
    en: `Employee ${data.employeeId} requested leave ${data.leaveId}: ${data.from} to ${data.to}, ${data.days} day(s)`,
  }),
  LeaveDecided: ({ data }) => {
    const verdict = yes(data.approved, ['approved', 'refused'], ['批准', '不批准']);
    return { zh: `员工 ${data.employeeId} 的请假 ${data.leaveId}（${data.days}天）：${verdict.zh}`, en: `Leave ${data.leaveId} of ${data.employeeId} (${data.days} day(s)) ${verdict.en}` };
  },
  CareRecorded: ({ data }) => ({ zh: `记录对员工 ${data.employeeId} 的关怀（${data.kind}）`, en: `Care for employee ${data.employeeId} recorded (${data.kind})` }),
  JobDescriptionDrafted: ({ data }) => ({
    zh: `起草岗位 ${data.positionId} 职责说明书第${data.version}版，${data.duties.length}项职责`,
    en: `Job description of ${data.positionId} v${data.version} drafted: ${data.duties.length} duty(ies)`,
  }),
  JobDescriptionSubmitted: ({ data }) => ({ zh: `岗位 ${data.positionId} 职责说明书第${data.version}版报总经理审核`, en: `Job description of ${data.positionId} v${data.version} submitted for approval` }),
  JobDescriptionApproved: ({ data }) => ({ zh: `岗位 ${data.positionId} 职责说明书第${data.version}版获批准`, en: `Job description of ${data.positionId} v${data.version} approved` }),
  JobDescriptionRejected: ({ data }) => ({
    zh: `岗位 ${data.positionId} 职责说明书第${data.version}版被驳回：${data.reason}`,
    en: `Job description of ${data.positionId} v${data.version} rejected: ${data.reason}`,
  }),
  JobDescriptionExplained: ({ data }) => ({
    zh: `向 ${data.employeeIds.join('、')} 讲解岗位 ${data.positionId} 职责说明书第${data.version}版`,
    en: `Job description of ${data.positionId} v${data.version} explained to ${list(data.employeeIds)}`,
  }),
  JobDescriptionConfirmed: ({ data }) => ({ zh: `${data.employeeId} 确认岗位 ${data.positionId} 职责说明书第${data.version}版`, en: `${data.employeeId} confirmed the job description of ${data.positionId} v${data.version}` }),
  JobDescriptionFiled: ({ data }) => ({ zh: `岗位 ${data.positionId} 职责说明书第${data.version}版已在人力行政部备案`, en: `Job description of ${data.positionId} v${data.version} filed with HR` }),
};

/**
 * One line per department event. Customer names and phone numbers, employees' names, the reasons
 * for leave and the notes of care never appear here: personal data must stay erasable, and the audit
 * trail must not become a second copy of it.
 */
export const summariseDepartmentEvent = (event: DepartmentEvent): Summary => (departmentSummaries[event.type] as (event: DepartmentEvent) => Summary)(event);

const summariseForeign = (recorded: RecordedEvent): { readonly summary: Summary; readonly decoded: boolean } => {
  if (recorded.type === COMMAND_REFUSED) {
    const refused = CommandRefused.safeParse(recorded.data);
    if (refused.success) {
      const { commandType, code, reason, actor, targetStreamId } = refused.data;
      const who = actor ? `${actor.id} (${actor.role})` : 'an unidentified caller';
      const whoZh = actor ? `${actor.id}（${actor.role}）` : '身份不明的调用方';
      return { summary: refusalSummary(commandType, targetStreamId, who, whoZh, code, reason), decoded: true };
    }
  }
  const target = recorded.type === REFUSAL_RECORDED ? refusedStreamOf(recorded.streamId) : undefined;
  if (target !== undefined) {
    const refused = RefusalRecordedData.safeParse(recorded.data);
    if (refused.success) {
      const { actor } = recorded.metadata;
      const { code, message } = refused.data.error;
      return { summary: refusalSummary(refused.data.commandType, target, `${actor.id} (${actor.role})`, `${actor.id}（${actor.role}）`, code, message), decoded: true };
    }
  }
  return { summary: { zh: `流 ${recorded.streamId} 上的事件 ${recorded.type}`, en: `${recorded.type} on ${recorded.streamId}` }, decoded: false };
};

const refusalSummary = (commandType: string | undefined, targetStreamId: string | undefined, who: string, whoZh: string, code: string, reason: string): Summary => {
  const target = targetStreamId ? ` on ${targetStreamId}` : '';
  const targetZh = targetStreamId ? `（${targetStreamId}）` : '';
  return {
    zh: `拒绝了 ${whoZh} 的命令 ${commandType ?? '（未知类型）'}${targetZh}：${code}，${reason}`,
    en: `Refused ${commandType ?? 'a command'}${target} from ${who}: ${code}, ${reason}`,
  };
};

/** A one-line summary of any stored event, from its decoding; events the library does not know are summarised generically. */
export const summariseEvent = (recorded: RecordedEvent, decoded: Decoded): { readonly summary: Summary; readonly decoded: boolean } => {
  if (decoded.kind === 'department') return { summary: summariseDepartmentEvent(decoded.event), decoded: true };
  if (decoded.kind === 'undecodable') {
    return {
      summary: { zh: `无法解码的事件 ${recorded.type}（${recorded.streamId}）：${decoded.problem}`, en: `Undecodable ${recorded.type} on ${recorded.streamId}: ${decoded.problem}` },
      decoded: false,
    };
  }
  return summariseForeign(recorded);
};
