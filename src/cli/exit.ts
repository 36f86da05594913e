import pc from 'picocolors';
import { formatPos, isKafkaformError, type KafkaformError } from '../errors.js';

/**
 * Exit codes: 0 success/no changes, 1 error, 2 changes present (plan --detailed-exitcode only),
 * 3 a declared container is not running (status only).
 */
export const ExitCode = { OK: 0, ERROR: 1, CHANGES: 2, NOT_RUNNING: 3 } as const;

/** The JSON error envelope printed in --json mode: stable code, message, located problems. */
export function errorEnvelope(err: unknown): Record<string, unknown> {
  if (isKafkaformError(err)) {
    return {
      formatVersion: 1,
      error: {
        code: err.code,
        message: err.message,
        ...(err.hint ? { hint: err.hint } : {}),
        ...(err.problems.length ? { problems: err.problems } : {}),
        ...(Object.keys(err.details).length ? { details: err.details } : {}),
      },
    };
  }
  return { formatVersion: 1, error: { code: 'KF999', message: err instanceof Error ? err.message : String(err), bug: true } };
}

/** Human rendering of an error: message, each located problem as file:line:col, the fix; a bug says so. */
export function renderError(err: unknown, opts: { color: boolean; debug: boolean }): string {
  const c = pc.createColors(opts.color);
  if (isKafkaformError(err)) return renderKnown(err, c, opts.debug);
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return [
    `${c.red(c.bold('Error [KF999]'))} kafkaform hit an unexpected error. This is a bug, please report it with the details below.`,
    '',
    stack,
  ].join('\n');
}

/** One KafkaformError with its problems and hint; the stack only with --debug. */
function renderKnown(err: KafkaformError, c: ReturnType<typeof pc.createColors>, debug: boolean): string {
  const lines = [`${c.red(c.bold(`Error [${err.code}]`))} ${err.message}`];
  for (const p of err.problems) {
    const where = p.at ? `${formatPos(p.at)}: ` : '';
    const path = p.path ? `${c.dim(p.path)}: ` : '';
    lines.push(`  ${c.red('✗')} ${where}${path}${p.message}`);
    if (p.hint) lines.push(`      ${c.cyan('fix:')} ${p.hint}`);
  }
  if (err.hint) lines.push(`  ${c.cyan('fix:')} ${err.hint}`);
  if (debug && err.stack) lines.push('', c.dim(err.stack));
  if (debug && err.cause instanceof Error && err.cause.stack) lines.push(c.dim(`caused by: ${err.cause.stack}`));
  return lines.join('\n');
}
