import { ErrorCodes, KafkaformError, type ErrorCode } from '../errors.js';
import type { ApplyReport, Plan } from '../plan/types.js';
import { plural } from '../words.js';

const KNOWN_CODES = new Set<string>(Object.values(ErrorCodes));

/** PLAN_HAS_ERRORS listing the plan's error diagnostics as located problems; the plan is in details.plan. */
export function planErrors(plan: Plan): KafkaformError {
  const errors = plan.diagnostics.filter((d) => d.severity === 'error');
  return new KafkaformError(ErrorCodes.PLAN_HAS_ERRORS, `the plan has ${plural(errors.length, 'error')}; nothing was applied`, {
    hint: 'fix the spec (or pass the opt-in the problem names), then call again',
    problems: errors.map((d) => ({ message: `${d.code}: ${d.message}`, ...(d.at ? { at: d.at } : {}), ...(d.hint ? { hint: d.hint } : {}) })),
    details: { plan },
  });
}

/**
 * The error of an apply that did not converge: the first failed action's own code (e.g. KF304 CONTAINER_FAILED,
 * with the container's last log lines in the message), else APPLY_NOT_CONVERGED. The report is in details.report.
 */
export function applyError(report: ApplyReport): KafkaformError {
  const first = report.failed[0];
  if (first) {
    const code: ErrorCode = first.error && KNOWN_CODES.has(first.error.code) ? (first.error.code as ErrorCode) : ErrorCodes.APPLY_FAILED;
    const subject = 'topic' in first.action ? first.action.topic : 'name' in first.action ? first.action.name : '';
    return new KafkaformError(code, `${first.action.kind} ${subject} failed: ${first.error?.message ?? 'unknown error'}`, {
      hint: 'fix the cause and call again: every step is safe to repeat, so the next run resumes',
      details: { report },
    });
  }
  const left = report.after?.actions.length ?? 0;
  return new KafkaformError(ErrorCodes.APPLY_NOT_CONVERGED, `apply finished but ${report.after ? `${plural(left, 'change')} ${left === 1 ? 'remains' : 'remain'}` : 'the cluster could not be observed again'}`, {
    hint: 'run `kafkaform plan` to see what is left',
    details: { report },
  });
}
