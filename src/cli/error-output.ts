/** Whether a command's parsed options ask for JSON: `--json`, or `--format json` (plan, output). */
export function jsonFromOptions(o: { json?: unknown; format?: unknown }): boolean {
  return o.json === true || o.format === 'json';
}

/**
 * Whether a command line asks for JSON, for the one case where no parsed options exist: commander refused the
 * line itself (unknown option, bad value, missing argument). A script that passed --json still gets the error
 * envelope on stdout. Tokens after `--` are operands, never options.
 */
export function jsonFromArgs(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  return options.some((a, i) => a === '--json' || a === '--format=json' || (a === '--format' && options[i + 1] === 'json'));
}
