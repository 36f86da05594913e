import { ErrorCodes, KafkaformError } from '../errors.js';
import { parseDuration } from '../spec/units.js';

/** Default overall deadline of apply and destroy: long enough for large seeds and reassignments, never a hang. */
export const DEFAULT_APPLY_DEADLINE_MS = 30 * 60_000;
/** Default overall deadline of the other commands that finish on their own (plan, status, output, export, peek). */
export const DEFAULT_READ_DEADLINE_MS = 5 * 60_000;

/** Commands that run until interrupted, or carry their own bound (`wait --timeout`): no default deadline. */
const OPEN_ENDED = new Set(['wait']);

let lastStep = '';

/** Records what the command is doing now (its latest progress line), so a deadline error can name it. */
export function noteStep(message: string): void {
  lastStep = message;
}

/** The latest step noted; '' before the first. */
export function currentStep(): string {
  return lastStep;
}

/**
 * The overall deadline of one command in ms, or null for none: --deadline, else KAFKAFORM_DEADLINE, else the
 * command's default. 0 means none. Following commands (`logs --follow`, `peek --follow`) and `wait` have no default.
 */
export function commandDeadlineMs(command: string, opts: { follow?: boolean }, flag: string | undefined, env: Record<string, string | undefined>): number | null {
  const explicit = flag ?? (env.KAFKAFORM_DEADLINE?.trim() || undefined);
  if (explicit !== undefined) {
    let ms: number;
    try {
      ms = parseDuration(explicit);
    } catch {
      const source = flag !== undefined ? '--deadline' : 'KAFKAFORM_DEADLINE';
      throw new KafkaformError(ErrorCodes.USAGE, `${source} must be a duration such as 90s or 30m (0 for none), got "${explicit}"`, {
        hint: 'e.g. --deadline 10m',
      });
    }
    return ms > 0 ? ms : null;
  }
  if (opts.follow || OPEN_ENDED.has(command)) return null;
  return command === 'apply' || command === 'destroy' ? DEFAULT_APPLY_DEADLINE_MS : DEFAULT_READ_DEADLINE_MS;
}

/** COMMAND_TIMEOUT: the command ran out of time, naming the step it was on. */
export function commandTimeout(command: string, ms: number, step: string): KafkaformError {
  const at = step ? `; it was at: ${step}` : '';
  return new KafkaformError(ErrorCodes.COMMAND_TIMEOUT, `kafkaform ${command} did not finish within ${formatDuration(ms)}${at}`, {
    hint: `something stalled${step ? ' at that step' : ''} (a paused broker, a hung Docker engine): fix it and run the command again, since every step is safe to repeat; --deadline or KAFKAFORM_DEADLINE sets the bound`,
    details: { command, deadlineMs: ms, ...(step ? { step } : {}) },
  });
}

/** ms as "90 s" or "30 min". */
function formatDuration(ms: number): string {
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
