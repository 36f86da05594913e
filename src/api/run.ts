import { converge } from '../cli/converge.js';
import { openDestroySession } from '../cli/commands/destroy.js';
import { observeAndPlan, openSession, type Session } from '../cli/session.js';
import type { LintCode } from '../plan/lint-codes.js';
import type { ApplyReport, Plan } from '../plan/types.js';
import { hasErrors } from '../plan/planner.js';
import { kafkaEnvironment, type KafkaEnvironment } from './environment.js';
import { applyError, planErrors } from './errors.js';
import { globalsOf, type SpecOptions } from './options.js';

/** Options of plan() and apply(): the CLI's opt-ins. */
export interface ChangeOptions extends SpecOptions {
  /** Delete topics/containers this project created and no longer declares (`--allow-delete`). */
  allowDelete?: boolean;
  /** Produce seed entries again whose content changed (`--reseed`). */
  reseed?: boolean;
  /** Safety-lint refusals opted into for every topic (`--allow L001,L002`). */
  allow?: LintCode[];
  /** Manage declared topics created outside kafkaform without owning them (`--no-adopt`). */
  noAdopt?: boolean;
  /** Adopt declared topics owned by another project instead of refusing (`--take-ownership`). */
  takeOwnership?: boolean;
}

/** Options of down(). */
export interface DownOptions extends SpecOptions {
  /** Also remove the data volumes: topics and messages are lost (`destroy --volumes`). */
  volumes?: boolean;
}

/** Runs `fn` with a session of the spec, always closing its connections. */
async function withSession<T>(open: Promise<Session>, fn: (s: Session) => Promise<T>): Promise<T> {
  const session = await open;
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

/** `kafkaform plan` as a function: the versioned plan document (`plan --json`). Refusals are its diagnostics. */
export async function plan(options: ChangeOptions = {}): Promise<Plan> {
  // plan never produces: seed messages are hashed and sized, not kept.
  return withSession(openSession(globalsOf(options), options), async (s) => {
    options.onProgress?.('observing Docker and the cluster');
    return (await observeAndPlan(s)).plan;
  });
}

/** Applies in a session; the report, or KafkaformError when the plan has errors or the run did not converge. */
async function applyIn(session: Session, options: SpecOptions): Promise<ApplyReport> {
  const { plan: planned, report } = await converge(session, { confirm: async () => undefined, onProgress: options.onProgress });
  if (hasErrors(planned)) throw planErrors(planned);
  if (report.failed.length > 0 || !report.converged) throw applyError(report);
  return report;
}

/**
 * `kafkaform apply --auto-approve` as a function: converges and returns the report. Throws KafkaformError:
 * PLAN_HAS_ERRORS (nothing applied), the failed step's own code, or APPLY_NOT_CONVERGED.
 */
export async function apply(options: ChangeOptions = {}): Promise<ApplyReport> {
  return withSession(openSession(globalsOf(options), options), (s) => applyIn(s, options));
}

/**
 * Brings the spec's world up (containers, topics, seeds) and returns where it is and how to connect. Idempotent:
 * when everything already converged, it only observes (well under a second on a warm cluster).
 */
export async function up(options: SpecOptions = {}): Promise<KafkaEnvironment> {
  return withSession(openSession(globalsOf(options), {}), async (s) => {
    const report = await applyIn(s, options);
    return kafkaEnvironment(s.spec, s.deps.link.bootstrapServers(), report, (o) => down({ ...options, ...o }));
  });
}

/** `kafkaform destroy --auto-approve [--volumes]` as a function: removes the containers this project created. */
export async function down(options: DownOptions = {}): Promise<void> {
  await withSession(openDestroySession(globalsOf(options), Boolean(options.volumes)), (s) => applyIn(s, options));
}
