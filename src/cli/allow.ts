import { ErrorCodes, KafkaformError } from '../errors.js';
import { OPT_IN_CODES, type LintCode } from '../plan/lint-codes.js';

/** Commander reducer of `--allow L001,L003` (repeatable): adds the codes, refusing anything that is not an opt-in code. */
export function parseAllow(value: string, previous: LintCode[] = []): LintCode[] {
  const out = [...previous];
  for (const raw of value.split(',')) {
    const code = raw.trim().toUpperCase();
    if (!(OPT_IN_CODES as readonly string[]).includes(code)) {
      throw new KafkaformError(ErrorCodes.USAGE, `--allow ${raw.trim()}: not a lint code that takes an opt-in`, {
        hint: `use one of ${OPT_IN_CODES.join(', ')} (the README lists what each allows)`,
      });
    }
    if (!out.includes(code as LintCode)) out.push(code as LintCode);
  }
  return out;
}
