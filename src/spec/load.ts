import { plural } from '../words.js';
import { readFile } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ErrorCodes, KafkaformError, type Problem } from '../errors.js';
import type { SpecContext } from './context.js';
import { DEFAULT_SPEC_FILE } from './defaults.js';
import { normaliseSpec } from './normalise.js';
import { ProblemList } from './problems.js';
import { checkSchema } from './schema-check.js';
import type { Spec } from './types.js';
import { readYaml } from './yaml-source.js';
import { applyEnvironment } from './environments.js';
import type { IncludeIO } from './include.js';
import { interpolateTree, scrubProblem, type Substitutions } from './interpolate-tree.js';

/** Options of parseSpec beyond the text itself. */
export interface ParseSpecOptions {
  /** Tells whether a file exists (seed files, TLS files); omitted: files are not checked, parsing stays pure. */
  fileExists?: (absPath: string) => boolean;
  /** The environment to apply (`-e NAME`); undefined: the root spec as written. */
  environment?: string;
  /** Reads files named by `include:`; omitted: an include matches nothing (parsing stays pure). */
  readFile?: IncludeIO;
}

function invalid(file: string, problems: Problem[]): KafkaformError {
  // The message counts; the problems (each with file:line:col and a fix) carry the detail, and the CLI lists them.
  const message = `${file} has ${plural(problems.length, 'problem')}`;
  return new KafkaformError(ErrorCodes.SPEC_INVALID, message, {
    hint: 'fix the problems listed, then run `kafkaform validate` again',
    details: { file },
    problems,
  });
}

/**
 * Parses and validates spec text into a normalised Spec. `file` names the spec in positions and anchors relative
 * paths; `env` resolves ${VAR} references. Throws KafkaformError SPEC_INVALID listing every problem at once,
 * each with file:line:col, a document path and a hint.
 */
export function parseSpec(text: string, file: string, env: Record<string, string | undefined> = {}, options: ParseSpecOptions = {}): Spec {
  const absFile = resolve(file);
  const yaml = readYaml(text.replace(/^\uFEFF/, ''), file);
  const problems = new ProblemList(yaml.source);
  for (const p of yaml.problems) problems.addRaw(p);
  if (yaml.fatal) throw invalid(file, problems.sorted());
  if (yaml.data === null || yaml.data === undefined) {
    problems.addRaw({
      message: 'the spec is empty',
      at: { file, line: 1, col: 1 },
      hint: 'start with `version: 1` and `project: <name>`, then declare cluster or containers.kafka and topics',
    });
    throw invalid(file, problems.sorted());
  }
  const substituted: Substitutions = new Map();
  const data = interpolateTree(yaml.data, yaml.source, env, problems, substituted);
  checkSchema(data, problems);
  const ctx: SpecContext & { include?: IncludeIO; displayFile: string; substituted: Substitutions } = {
    dir: dirname(absFile),
    source: yaml.source,
    problems,
    env,
    fileExists: options.fileExists ?? null,
    include: options.readFile,
    displayFile: file,
    substituted,
  };
  const spec = applyEnvironment(ctx, normaliseSpec(ctx, data, absFile), (data as { environments?: unknown }).environments, options.environment);
  if (problems.size > 0) throw invalid(file, problems.sorted().map((p) => scrubProblem(p, substituted)));
  const warnings = problems.warnings();
  if (warnings.length > 0) spec.warnings = warnings;
  return spec;
}

function isFile(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The file system as `include:` sees it. */
const readIncluded: IncludeIO = {
  readFile: (p) => {
    try {
      return isFile(p) ? readFileSync(p, 'utf8') : null;
    } catch {
      return null;
    }
  },
  listDir: (d) => {
    try {
      return readdirSync(d);
    } catch {
      return null;
    }
  },
};

/**
 * Reads and parses a spec file (default ./kafka.config.yaml), resolving ${VAR} from `env` and checking that
 * referenced files exist. Throws SPEC_NOT_FOUND when the file cannot be read, SPEC_INVALID when it is wrong.
 */
export async function loadSpec(
  file: string = DEFAULT_SPEC_FILE,
  env: Record<string, string | undefined> = process.env,
  options: { environment?: string } = {},
): Promise<Spec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const hint =
      code === 'EISDIR'
        ? `pass the spec file itself, e.g. -f ${file.replace(/\/$/, '')}/${DEFAULT_SPEC_FILE}`
        : code === 'ENOENT'
          ? `kafkaform looks for ./${DEFAULT_SPEC_FILE} in the current directory; create it there or pass another file with -f <file>`
          : 'check the file permissions';
    const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'unknown error'})`;
    throw new KafkaformError(ErrorCodes.SPEC_NOT_FOUND, `spec file ${file} ${why}`, { hint, details: { file }, cause: e });
  }
  if (text.length > MAX_SPEC_CHARS) {
    throw new KafkaformError(ErrorCodes.SPEC_INVALID, `spec file ${file} is ${(text.length / 1048576).toFixed(1)} MiB; kafkaform reads specs up to ${MAX_SPEC_CHARS / 1048576} MiB`, {
      hint: 'split the topics over several projects (one spec each), or keep seed data in seed files instead of inline',
      problems: [{ message: `the spec is larger than ${MAX_SPEC_CHARS / 1048576} MiB`, at: { file, line: 1, col: 1 } }],
      details: { file },
    });
  }
  const spec = parseSpec(text, file, env, { fileExists: isFile, environment: options.environment, readFile: readIncluded });
  const security = spec.containers?.kafka?.security;
  // The local cluster's CA and certificates: issued once, then read; their digest is part of the brokers' config.
  if (security) security.fingerprint = (await import('../security/material.js')).ensureSecurityMaterial(security).fingerprint;
  return spec;
}

/** Largest spec read (characters): 10,000 topics, the schema's maximum, take about 1 MiB; bigger files are refused before parsing. */
export const MAX_SPEC_CHARS = 4 * 1048576;
