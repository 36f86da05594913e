import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { PlanOptions, SeedDigest } from '../plan/desired.js';
import { fingerprint, staleSubjects, type Fingerprint } from '../plan/fingerprint.js';
import type { Observed } from '../plan/observed.js';
import { PLAN_FORMAT_VERSION, type Plan } from '../plan/types.js';
import type { Spec } from '../spec/types.js';
import { plural } from '../words.js';

/** The `kind` of a saved plan document, so `apply FILE` never mistakes another JSON file for one. */
export const SAVED_PLAN_KIND = 'kafkaform.saved-plan';

/**
 * A plan saved by `plan -o FILE`: the plan itself, the options it was made with, a digest of the desired state
 * (never its secrets: the cluster section is left out) and the fingerprint of the observed state its actions
 * depend on. `apply FILE` executes exactly `plan.actions` when both still match.
 */
export interface SavedPlan {
  kind: typeof SAVED_PLAN_KIND;
  formatVersion: typeof PLAN_FORMAT_VERSION;
  project: string;
  /** The environment selected with -e, or null. */
  environment: string | null;
  options: PlanOptions;
  specDigest: string;
  fingerprint: Fingerprint;
  plan: Plan;
}

/** Builds the saved form of a plan made from `observed`. */
export function savePlan(plan: Plan, observed: Observed, spec: Spec, options: PlanOptions, environment: string | null): SavedPlan {
  return {
    kind: SAVED_PLAN_KIND,
    formatVersion: PLAN_FORMAT_VERSION,
    project: plan.project,
    environment,
    options,
    specDigest: specDigest(spec),
    fingerprint: fingerprint(plan, observed),
    plan,
  };
}

/** Digest of what the spec asks for; positions, the file path and the cluster section (credentials) are left out. */
export function specDigest(spec: Spec): string {
  const { cluster: _cluster, file: _file, ...wanted } = spec;
  const text = JSON.stringify(wanted, (k, v: unknown) => (k === 'pos' ? undefined : v));
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** Writes a saved plan as JSON. */
export async function writeSavedPlan(file: string, saved: SavedPlan): Promise<void> {
  await writeFile(file, `${JSON.stringify(saved, null, 2)}\n`);
}

/** Reads a saved plan; SAVED_PLAN_INVALID when the file is not one (or of another format version). */
export async function readSavedPlan(file: string): Promise<SavedPlan> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : e instanceof SyntaxError ? 'is not JSON' : 'cannot be read';
    throw new KafkaformError(ErrorCodes.SAVED_PLAN_INVALID, `saved plan ${file} ${why}`, {
      hint: 'save a plan with `kafkaform plan -o plan.json`, then run `kafkaform apply plan.json`',
      cause: e,
    });
  }
  const o = doc as Partial<SavedPlan> | null;
  if (!o || o.kind !== SAVED_PLAN_KIND || !o.plan || !o.fingerprint || !o.options) {
    throw new KafkaformError(ErrorCodes.SAVED_PLAN_INVALID, `${file} is not a saved kafkaform plan`, {
      hint: 'save one with `kafkaform plan -o plan.json` (the output of `plan --json` cannot be applied)',
    });
  }
  if (o.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new KafkaformError(ErrorCodes.SAVED_PLAN_INVALID, `saved plan ${file} has format version ${String(o.formatVersion)}; this kafkaform reads ${PLAN_FORMAT_VERSION}`, {
      hint: 'make the plan again with this version of kafkaform',
    });
  }
  return o as SavedPlan;
}

/**
 * Refuses a stale saved plan: another project or environment, a spec or seed content that changed, or any
 * subject the plan touches that changed in the cluster or Docker since the plan was made (PLAN_STALE).
 */
export function checkSavedPlan(saved: SavedPlan, now: { spec: Spec; seeds: SeedDigest[]; observed: Observed; environment: string | null }): void {
  const stale = (message: string, hint: string, details: Record<string, unknown> = {}): KafkaformError =>
    new KafkaformError(ErrorCodes.PLAN_STALE, message, { hint, details });
  if (saved.project !== now.spec.project) {
    throw stale(`the saved plan is for project ${saved.project}, the spec is project ${now.spec.project}`, 'apply it with the spec it was made from (-f)');
  }
  if (saved.environment !== now.environment) {
    const name = (e: string | null) => (e === null ? 'no environment' : `environment ${e}`);
    throw stale(`the saved plan was made for ${name(saved.environment)}, this run selects ${name(now.environment)}`, saved.environment ? `pass -e ${saved.environment}` : 'drop -e');
  }
  if (saved.specDigest !== specDigest(now.spec)) {
    throw stale('the spec changed since the plan was saved', 'run `kafkaform plan -o <file>` again and review the new plan');
  }
  const hashes = new Map(now.seeds.map((s) => [`${s.topic}/${s.entryId}`, s.hash]));
  for (const a of saved.plan.actions) {
    if (a.kind === 'seed.produce' && hashes.get(`${a.topic}/${a.entryId}`) !== a.hash) {
      throw stale(`seed entry ${a.entryId} of topic ${a.topic} changed since the plan was saved`, 'run `kafkaform plan -o <file>` again and review the new plan');
    }
  }
  const changed = staleSubjects(saved.fingerprint, fingerprint(saved.plan, now.observed));
  if (changed.length > 0) {
    const shown = changed.slice(0, 10).map((s) => s.replace(':', ' ')).join(', ');
    throw stale(
      `the saved plan is stale: ${plural(changed.length, 'thing')} it would touch changed since it was made (${shown}${changed.length > 10 ? ', …' : ''})`,
      'run `kafkaform plan -o <file>` again and review the new plan; nothing was applied',
      { changed },
    );
  }
}
