import { plural } from '../words.js';
import { ensureImages } from '../docker/images.js';
import { newLedger, noteRemoved, removeMade, type MadeByRun } from '../docker/made.js';
import { ErrorCodes, KafkaformError } from '../errors.js';
import { hasErrors } from '../plan/planner.js';
import type { Observed } from '../plan/observed.js';
import { PLAN_FORMAT_VERSION, type Action, type ActionResult, type ApplyReport, type ClusterWaitAction, type Plan } from '../plan/types.js';
import type { SeedDigest } from '../plan/desired.js';
import { executeStep, failure, steps, type ExecRun } from './executors.js';
import { dockerOf, observe, type ObserveDeps } from './observe-docker-and-cluster.js';

/** What apply needs: the observation the plan was made from, the run's connections, and how to plan again. */
export interface ApplyContext extends ObserveDeps {
  /** The observation the plan was made from: topic owners (create races) and the Docker engine (networking). */
  observed: Observed;
  /** Digests of the seed entries planned from (seed.produce reads each entry again and refuses one that changed). */
  seeds: SeedDigest[];
  /** Plans again from a fresh observation after apply; its result is the report's `after`. */
  replan: (observed: Observed) => Plan | Promise<Plan>;
  /** Progress lines for the spinner. */
  onProgress?: (message: string) => void;
  /** Called as each action finishes, applied or failed. */
  onResult?: (result: ActionResult) => void;
  /** Bound on readiness waits of the cluster and of containers (default: kafka/readiness.ts's). */
  readyTimeoutMs?: number;
  /** Bound on waiting for partition reassignments (default 10 min). */
  reassignTimeoutMs?: number;
}

/**
 * Executes the approved plan in order, step by step through the executor registry (consecutive topic actions of
 * one kind go in one batched request). The plan that runs is the approved plan, with one documented exception:
 * a plan made while the cluster was down is re-planned once it is up (runBlindPlan).
 * The first failure stops the run, and the report lists what was applied, what failed and what is still
 * pending: every executor is safe to repeat, so the next apply resumes.
 * Finally the cluster is observed and planned again: converged means that plan is empty and error-free.
 */
export async function apply(plan: Plan, ctx: ApplyContext): Promise<ApplyReport> {
  if (hasErrors(plan)) {
    const n = plan.diagnostics.filter((d) => d.severity === 'error').length;
    throw new KafkaformError(ErrorCodes.PLAN_HAS_ERRORS, `the plan has ${plural(n, 'error')}; nothing was applied`, {
      hint: 'run `kafkaform plan` to see them and fix the spec (or pass the opt-in they name)',
    });
  }
  // Every image first: one that cannot be had fails the apply before anything is created or started.
  await checkImages(plan.actions, ctx);
  const log = new ResultLog(ctx, newLedger());
  const upAt = ctx.observed.cluster === null ? plan.actions.findIndex((a) => a.kind === 'cluster.wait') : -1;
  const ran = upAt < 0 ? await runApproved(plan.actions, ctx, log) : await runBlindPlan(plan.actions, upAt, ctx, log);

  const pending = ran.filter((a) => !log.has(a));
  // A broker that stalled would stall the check too: the report says the result is unknown instead of waiting again.
  const stalled = log.failed.some((r) => r.error?.code === ErrorCodes.KAFKA_TIMEOUT);
  if (stalled) ctx.onProgress?.('not observing again: a broker stalled');
  const after = plan.actions.length === 0 ? plan : stalled ? null : await observeAgain(ctx);
  const converged = after !== null && after.actions.length === 0 && !hasErrors(after);
  return { formatVersion: PLAN_FORMAT_VERSION, project: plan.project, applied: log.applied, failed: log.failed, pending, converged, after };
}

/** The approved plan, run as it is. Returns the actions of the run (for the report's pending list). */
async function runApproved(actions: Action[], ctx: ApplyContext, log: ResultLog): Promise<Action[]> {
  await runInOrder(actions, ctx.observed, ctx, log);
  return actions;
}

/**
 * The one exception to "the approved plan runs": a plan made while the cluster was down or absent guesses its
 * topic and seed steps (every topic a create, every seed unproduced). Its steps up to and including the
 * cluster.wait at `upAt` run as approved; then the cluster is observed and the steps after it are planned again
 * against what it holds (replanOnceUp), so topics and seeds that survived in stopped containers are not created
 * or produced twice. A refusal that only the live cluster reveals (e.g. a partition decrease) stops the run
 * before any topic step. Returns the actions of the run: the approved head, then the re-planned tail.
 */
async function runBlindPlan(actions: Action[], upAt: number, ctx: ApplyContext, log: ResultLog): Promise<Action[]> {
  const up = actions[upAt] as ClusterWaitAction;
  if (!(await runInOrder(actions.slice(0, upAt), ctx.observed, ctx, log))) return actions;
  const started = Date.now();
  const [waited] = await executeStep([up], execRun(ctx, ctx.observed, log.made));
  if (waited!.status === 'failed') {
    await log.record(waited!);
    return actions;
  }
  let replanned: { observed: Observed; plan: Plan };
  try {
    replanned = await replanOnceUp(ctx);
  } catch (err) {
    // The wait counts as done only once the steps after it are planned: a failed re-plan is its failure.
    await log.record(failure(up, Date.now() - started, err), false);
    return actions;
  }
  await log.record({ action: up, status: 'applied', durationMs: Date.now() - started });
  const ran = [...actions.slice(0, upAt + 1), ...replanned.plan.actions];
  if (!hasErrors(replanned.plan)) await runInOrder(replanned.plan.actions, replanned.observed, ctx, log);
  return ran;
}

/** Observes the cluster that just came up and plans the remaining steps against what it holds. */
async function replanOnceUp(ctx: ApplyContext): Promise<{ observed: Observed; plan: Plan }> {
  ctx.onProgress?.('the cluster is up: planning the remaining steps against what it holds');
  const observed = await observe(ctx.link.spec, ctx);
  return { observed, plan: await ctx.replan(observed) };
}

/** Runs actions in order, planned from `observed`, until one fails; true when all were applied. */
async function runInOrder(actions: Action[], observed: Observed, ctx: ApplyContext, log: ResultLog): Promise<boolean> {
  const run = execRun(ctx, observed, log.made);
  for (const step of steps(actions)) {
    for (const result of await executeStep(step, run)) await log.record(result);
    if (log.failed.length > 0) return false;
  }
  return true;
}

/** What the executors see of this run; container executors record what they create in `made`. */
function execRun(ctx: ApplyContext, observed: Observed, made: MadeByRun): ExecRun {
  return {
    made,
    spec: ctx.link.spec,
    link: ctx.link,
    docker: () => dockerOf(ctx),
    observed,
    seeds: ctx.seeds,
    onProgress: ctx.onProgress,
    readyTimeoutMs: ctx.readyTimeoutMs,
    reassignTimeoutMs: ctx.reassignTimeoutMs,
  };
}

/**
 * Results as they come, applied and failed apart; each is passed on to the caller's onResult. A failed container
 * step (a node that dies at start, a dependency never healthy) first removes what this run created in Docker,
 * and its message says so: nothing half-made stays behind.
 */
class ResultLog {
  readonly applied: ActionResult[] = [];
  readonly failed: ActionResult[] = [];
  private readonly done = new Set<Action>();

  constructor(
    private readonly ctx: ApplyContext,
    readonly made: MadeByRun,
  ) {}

  /** Records a result; `undo: false` for a failure that is not the container step's own (the cluster is up, its observation failed). */
  async record(result: ActionResult, undo = true): Promise<void> {
    const containerStep = result.action.kind.startsWith('container.') || result.action.kind === 'cluster.wait';
    if (result.status === 'failed' && undo && containerStep) result = noteRemoved(result, await this.undoMade());
    (result.status === 'applied' ? this.applied : this.failed).push(result);
    this.done.add(result.action);
    this.ctx.onResult?.(result);
  }

  /** Removes what this run created in Docker, telling the progress line; the names removed. */
  private async undoMade(): Promise<string[]> {
    const made = this.made;
    if (made.containers.length === 0 && made.volumes.length === 0 && !made.network) return [];
    this.ctx.onProgress?.(`removing what this run created: ${[...made.containers, ...made.volumes].join(', ')}`);
    return removeMade(dockerOf(this.ctx), this.ctx.link.spec.project, made);
  }

  /** True when the action has a result. */
  has(action: Action): boolean {
    return this.done.has(action);
  }
}

/** Makes the images of every container the plan creates or recreates present; IMAGE_UNAVAILABLE with nothing made otherwise. */
async function checkImages(actions: readonly Action[], ctx: ApplyContext): Promise<void> {
  const images = actions.flatMap((a) => (a.kind === 'container.create' || a.kind === 'container.recreate' ? [a.image] : []));
  if (images.length === 0) return;
  ctx.onProgress?.(`checking ${plural(new Set(images).size, 'image')}`);
  try {
    await ensureImages(dockerOf(ctx), images, ctx.onProgress ?? (() => undefined));
  } catch (err) {
    if (!(err instanceof KafkaformError)) throw err;
    throw new KafkaformError(err.code, `${err.message}; nothing was created or started`, { hint: err.hint, details: err.details, cause: err.cause });
  }
}

/** The plan after apply, from a fresh observation; null when the cluster cannot be observed (it went away). */
async function observeAgain(ctx: ApplyContext): Promise<Plan | null> {
  ctx.onProgress?.('observing again to check the result');
  try {
    const observed = await observe(ctx.link.spec, ctx);
    return await ctx.replan(observed);
  } catch (err) {
    ctx.onProgress?.(`could not observe after apply: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}
