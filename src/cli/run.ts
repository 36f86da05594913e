import { Command, CommanderError, Option } from 'commander';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { LintCode } from '../plan/lint-codes.js';
import { parseAllow } from './allow.js';
import { commandDeadlineMs, commandTimeout, currentStep } from './deadline.js';
import { jsonFromArgs, jsonFromOptions } from './error-output.js';
import { ExitCode, errorEnvelope, renderError } from './exit.js';
import type { GlobalOptions } from './global-options.js';
import { useColor } from './terminal.js';
import { parseDuration } from '../spec/units.js';
import { packageVersion } from './version.js';

// Commands are loaded when run, so --help and --version stay fast (no Kafka or Docker client loaded).
const runValidate: typeof import('./commands/validate.js').runValidate = async (...a) => (await import('./commands/validate.js')).runValidate(...a);
const runPlan: typeof import('./commands/plan.js').runPlan = async (...a) => (await import('./commands/plan.js')).runPlan(...a);
const runApply: typeof import('./commands/apply.js').runApply = async (...a) => (await import('./commands/apply.js')).runApply(...a);
const runDestroy: typeof import('./commands/destroy.js').runDestroy = async (...a) => (await import('./commands/destroy.js')).runDestroy(...a);
const runStatus: typeof import('./commands/status.js').runStatus = async (...a) => (await import('./commands/status.js')).runStatus(...a);
const runOutput: typeof import('./commands/output.js').runOutput = async (...a) => (await import('./commands/output.js')).runOutput(...a);
const runLogs: typeof import('./commands/logs.js').runLogs = async (...a) => (await import('./commands/logs.js')).runLogs(...a);
const runWait: typeof import('./commands/wait.js').runWait = async (...a) => (await import('./commands/wait.js')).runWait(...a);
const runExport: typeof import('./commands/export.js').runExport = async (...a) => (await import('./commands/export.js')).runExport(...a);
const runPeek: typeof import('./commands/peek.js').runPeek = async (...a) => (await import('./commands/peek.js')).runPeek(...a);

/** Flags of `plan` as commander parses them (--no-adopt sets adopt to false). */
interface PlanCliFlags {
  json?: boolean;
  detailedExitcode?: boolean;
  allowDelete?: boolean;
  reseed?: boolean;
  verbose?: boolean;
  format?: string;
  out?: string;
  adopt?: boolean;
  takeOwnership?: boolean;
  allow?: LintCode[];
  rotatePasswords?: boolean;
}

/** Flags of `apply` as commander parses them. */
interface ApplyCliFlags {
  autoApprove?: boolean;
  json?: boolean;
  allowDelete?: boolean;
  reseed?: boolean;
  adopt?: boolean;
  takeOwnership?: boolean;
  allow?: LintCode[];
  rotatePasswords?: boolean;
}

/** What a run decided as it went: the exit code, and whether the command's parsed options asked for JSON. */
interface RunState {
  code: number;
  /** Set once commander has parsed the command's options; undefined when it refused the command line. */
  json?: boolean;
  /** What commander wrote for a refused command line (message, help); printed unless the error goes out as JSON. */
  refusal: string[];
}

/** Builds the command tree; each action records its exit code in `state`. `onDeadline` is called when a command's overall deadline passes. */
function program(state: RunState, onDeadline: (err: KafkaformError) => void): Command {
  const cli = new Command('kafkaform')
    .description('Declarative Kafka: containers, topics and seed data from one spec, with plan and apply.')
    .version(packageVersion(), '-v, --version')
    .option('-f, --file <path>', 'spec file', 'kafka.config.yaml')
    .option('-e, --env <name>', 'use this environment of the spec (its environments: section)')
    .option('--debug', 'show stack traces and Kafka client logs', false)
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .option('--deadline <duration>', 'overall bound of the command, e.g. 90s or 30m; 0 for none (default 30m for apply/destroy, 5m for others; also KAFKAFORM_DEADLINE)')
    .showHelpAfterError()
    // Commander throws instead of exiting (subcommands inherit both settings), and its refusals are held back:
    // main() decides between them and a JSON envelope.
    .exitOverride()
    .configureOutput({ writeErr: (str) => state.refusal.push(str), outputError: (str, write) => write(str) })
    .hook('preAction', (_cli, command) => {
      state.json = jsonFromOptions(command.opts());
    });

  // Every command that ends on its own has an overall deadline: past it, the command stops with COMMAND_TIMEOUT naming its step.
  cli.hook('preAction', (_root, action) => {
    const ms = commandDeadlineMs(action.name(), action.opts<{ follow?: boolean }>(), cli.opts<{ deadline?: string }>().deadline, process.env);
    if (ms !== null) setTimeout(() => onDeadline(commandTimeout(action.name(), ms, currentStep())), ms).unref();
  });

  const globals = (): GlobalOptions => {
    const o = cli.opts<{ file: string; debug: boolean; color: boolean; env?: string }>();
    return { file: o.file, debug: o.debug, color: useColor(process.stdout, o.color), environment: o.env };
  };
  const run = (fn: () => Promise<number>) => async () => {
    state.code = await fn();
  };

  cli
    .command('validate')
    .description('check the spec offline (no cluster needed)')
    .option('--json', 'print the result as JSON')
    .action((o: { json?: boolean }) => run(() => runValidate(globals(), { json: !!o.json }))());

  cli
    .command('plan')
    .description('show what apply would change')
    .option('--json', 'print the versioned plan document')
    .option('--detailed-exitcode', 'exit 0 with no changes, 1 on error, 2 with changes or warnings')
    .option('--allow-delete', 'plan deleting topics/containers this project created and no longer declares')
    .option('--reseed', 'produce seed entries again whose content changed')
    .option('--verbose', 'also show the reason of each change, reassignment targets and seed entry ids')
    .option('--allow <codes>', 'opt into safety-lint refusals for every topic, e.g. --allow L001,L002 (repeatable)', parseAllow)
    .option('--format <format>', 'text, json or markdown (a pull-request comment)', 'text')
    .option('-o, --out <file>', 'save the plan; `kafkaform apply <file>` applies exactly it, or refuses if stale')
    .option('--no-adopt', 'do not record ownership of declared topics created outside kafkaform')
    .option('--take-ownership', 'adopt declared topics owned by another project instead of refusing')
    .option('--rotate-passwords', 'set the declared password of every declared SCRAM user again (passwords cannot be read back)')
    .action((o: PlanCliFlags) =>
      run(() =>
        runPlan(globals(), {
          json: !!o.json,
          detailedExitcode: !!o.detailedExitcode,
          allowDelete: !!o.allowDelete,
          reseed: !!o.reseed,
          verbose: !!o.verbose,
          allow: o.allow ?? [],
          format: o.format,
          out: o.out,
          noAdopt: o.adopt === false,
          takeOwnership: !!o.takeOwnership,
          rotatePasswords: !!o.rotatePasswords,
        }),
      )(),
    );

  cli
    .command('apply')
    .description('make the cluster and containers match the spec, then prove it by planning again')
    .argument('[plan-file]', 'a plan saved with `plan -o`: apply exactly its actions (refused when stale)')
    .option('--auto-approve', 'do not ask for confirmation (required without a TTY)')
    .option('--json', 'print the apply report as JSON')
    .option('--allow-delete', 'delete topics/containers this project created and no longer declares')
    .option('--reseed', 'produce seed entries again whose content changed')
    .option('--allow <codes>', 'opt into safety-lint refusals for every topic, e.g. --allow L001,L002 (repeatable)', parseAllow)
    .option('--no-adopt', 'do not record ownership of declared topics created outside kafkaform')
    .option('--take-ownership', 'adopt declared topics owned by another project instead of refusing')
    .option('--rotate-passwords', 'set the declared password of every declared SCRAM user again (passwords cannot be read back)')
    .action((planFile: string | undefined, o: ApplyCliFlags) =>
      run(() =>
        runApply(globals(), {
          autoApprove: !!o.autoApprove,
          json: !!o.json,
          allowDelete: !!o.allowDelete,
          reseed: !!o.reseed,
          allow: o.allow ?? [],
          noAdopt: o.adopt === false,
          takeOwnership: !!o.takeOwnership,
          rotatePasswords: !!o.rotatePasswords,
          planFile,
        }),
      )(),
    );

  cli
    .command('destroy')
    .description('remove the containers and networks this project created (volumes only with --volumes)')
    .option('--auto-approve', 'do not ask for confirmation (required without a TTY)')
    .option('--volumes', 'also remove the data volumes (topics and messages are lost)')
    .option('--json', 'print the report as JSON')
    .action((o: { autoApprove?: boolean; volumes?: boolean; json?: boolean }) =>
      run(() => runDestroy(globals(), { autoApprove: !!o.autoApprove, volumes: !!o.volumes, json: !!o.json }))(),
    );

  cli
    .command('status')
    .description('show the containers, their state and the bootstrap servers')
    .option('--json', 'print as JSON')
    .action((o: { json?: boolean }) => run(() => runStatus(globals(), { json: !!o.json }))());

  cli
    .command('output')
    .description('print the outputs for scripts and CI: `output bootstrap`, `output --json`, `output --format env >> "$GITHUB_ENV"`')
    .addArgument(new Command().createArgument('[name]', 'print only this value: bootstrap, ca (the CA certificate) or client-config').choices(['bootstrap', 'ca', 'client-config']))
    .option('--json', 'print as JSON (same as --format json)')
    .addOption(
      new Option('--format <format>', 'text, json, env (KAFKA_BOOTSTRAP_SERVERS=... lines); client-config: librdkafka or properties')
        .choices(['text', 'json', 'env', 'librdkafka', 'properties'])
        .default('text'),
    )
    .option('-o, --out <file>', 'write to this file (mode 0600) instead of stdout; client-config holds the password only there')
    .action((name: string | undefined, o: { json?: boolean; format: 'text' | 'json' | 'env' | 'librdkafka' | 'properties'; out?: string }) =>
      run(() => runOutput(globals(), name, { json: !!o.json, format: o.format, out: o.out }))(),
    );

  cli
    .command('logs')
    .description("print the project's container logs, like `docker compose logs`")
    .argument('[name]', 'one container: its name or the part after "<project>-", e.g. kafka-1')
    .option('-n, --tail <n>', 'only the last N lines of each container', parseCount)
    .option('--follow', 'keep printing new lines until the containers stop or you interrupt')
    .action((name: string | undefined, o: { tail?: number; follow?: boolean }) =>
      run(() => runLogs(globals(), name, { tail: o.tail, follow: !!o.follow }))(),
    );

  cli
    .command('wait')
    .description('block until the declared Kafka cluster is ready, then print its bootstrap servers')
    .option('--timeout <duration>', 'give up after this long, e.g. 30s or 2m', '90s')
    .action((o: { timeout: string }) => run(() => runWait(globals(), { timeoutMs: parseDuration(o.timeout) }))());

  cli
    .command('export')
    .description('write a spec for the topics of a live cluster (one batched read; topic overrides only)')
    .option('--bootstrap-server <host:port>', 'the cluster to read (repeatable or comma-separated); default: the spec\'s cluster', collect, [])
    .option('--include <regex>', 'export only topics matching (repeatable)', collect, [])
    .option('--exclude <regex>', 'leave out topics matching (repeatable)', collect, [])
    .option('--project <name>', 'project of the exported spec (default: the spec\'s)')
    .option('-o, --out <file>', 'write the spec to this file instead of stdout')
    .option('--split <dir>', 'write <dir>/kafka.config.yaml including one <dir>/topics/<topic>.yaml per topic')
    .action((o: { bootstrapServer: string[]; include: string[]; exclude: string[]; project?: string; out?: string; split?: string }) =>
      run(() => runExport(globals(), o))(),
    );

  cli
    .command('peek')
    .description('read messages of a topic from the beginning, without joining a consumer group')
    .argument('<topic>', 'topic to read')
    .option('-n, --limit <n>', 'stop after N messages (default: 100 on a terminal, all when piped)', parseLimit)
    .option('--follow', 'keep reading new messages until interrupted')
    .option('-p, --partition <p>', 'read only this partition', parseCount)
    .addOption(new Option('--from-offset <offset>', 'start at this offset (with --partition, or in every partition)'))
    .option('--json', 'one JSON object per line')
    .action((topic: string, o: { limit?: number; follow?: boolean; partition?: number; fromOffset?: string; json?: boolean }) =>
      run(() => runPeek(globals(), topic, { ...o, json: !!o.json, follow: !!o.follow }))(),
    );

  return cli;
}

/** Accumulates a repeatable option's values. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** --limit: a positive integer, with one message for every other value (0, -1, 1.5, abc). */
function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new KafkaformError(ErrorCodes.USAGE, `--limit must be a positive integer (1, 2, ...), got "${value}"`, {
      hint: 'kafkaform peek TOPIC --limit 10',
    });
  }
  return Number(value);
}

/** A non-negative integer option value. */
function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new KafkaformError(ErrorCodes.USAGE, `expected a non-negative integer, got "${value}"`);
  return Number(value);
}

/**
 * When the reader of stdout or stderr goes away (`kafkaform peek T | head -1`), stop at once with exit 0 and
 * no message, as other CLIs do: nothing more can be shown, and the reader already has what it asked for.
 */
function exitQuietlyOnClosedPipe(): void {
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(ExitCode.OK);
    throw err;
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}

/** Runs one command line: one top-level catch turns errors into an exit code and, in JSON mode, an error envelope. */
export async function main(argv: string[]): Promise<void> {
  exitQuietlyOnClosedPipe();
  const state: RunState = { code: ExitCode.OK, refusal: [] };
  // A failure no caller could catch (a client library's socket handler, a stray rejection), or a command past its
  // deadline, still ends as one rendered error with a code; then the process exits, since whatever stalled cannot
  // be closed. In-flight steps are safe to repeat.
  const fail = (err: unknown): void => {
    report(err, state, cli.opts<{ debug: boolean; color: boolean }>(), argv.slice(2));
    process.exitCode = ExitCode.ERROR;
    exitWhenFlushed(ExitCode.ERROR);
  };
  const cli = program(state, fail);
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  try {
    await cli.parseAsync(argv);
  } catch (err) {
    state.code = err instanceof CommanderError ? err.exitCode : ExitCode.ERROR;
    // --help and --version end through an exit code 0 "error": their text is already printed.
    if (!(err instanceof CommanderError && err.exitCode === 0)) report(err, state, cli.opts<{ debug: boolean; color: boolean }>(), argv.slice(2));
  }
  // No process.exit: every command closes what it opened, so the process ends once its output is written.
  process.exitCode = state.code;
}

/** Exits with `code` once stdout and stderr are flushed: output still being written to a slow pipe is waited for, never cut off. */
function exitWhenFlushed(code: number): void {
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
  setTimeout(() => exitWhenFlushed(code), 200).unref();
}

/**
 * Prints a failed run's error: the envelope on stdout when the command's options asked for JSON (or, when
 * commander refused the command line before options existed, when the line itself asks for it), else text on stderr.
 */
function report(err: unknown, state: RunState, globals: { debug: boolean; color: boolean }, args: string[]): void {
  const refused = err instanceof CommanderError;
  if (state.json ?? jsonFromArgs(args)) {
    const error = refused ? new KafkaformError(ErrorCodes.USAGE, err.message.replace(/^error: /, ''), { hint: 'kafkaform --help lists the commands; kafkaform COMMAND --help their options' }) : err;
    process.stdout.write(`${JSON.stringify(errorEnvelope(error), null, 2)}\n`);
  } else if (refused) process.stderr.write(state.refusal.join(''));
  else process.stderr.write(`${renderError(err, { color: useColor(process.stderr, globals.color), debug: globals.debug })}\n`);
}

