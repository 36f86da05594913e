import { plural } from '../words.js';
import { executeContainerAction, isContainerAction } from '../docker/execute.js';
import { ErrorCodes, KafkaformError } from '../errors.js';
import { executeAccessActions, isAccessAction } from '../kafka/access-execute.js';
import { executeTopicActions, isTopicAction, type TopicAction } from '../kafka/execute.js';
import { hasErrors } from '../plan/planner.js';
import type { Observed } from '../plan/observed.js';
import { PLAN_FORMAT_VERSION, type Action, type ActionResult, type ApplyReport, type Plan } from '../plan/types.js';
import { executeSeedProduce } from '../seed/execute.js';
import type { MaterialisedSeed } from '../seed/types.js';
import { dockerOf, observe, type ObserveDeps } from './observe.js';

/** What apply needs: the observation the plan was made from, the run's connections, and how to plan again. */
export interface ApplyContext extends ObserveDeps {
  /** The observation the plan was made from: topic owners (create races) and the Docker engine (networking). */
  observed: Observed;
  /** Seed entries with their messages, materialised before planning (seed.produce sends exactly these). */
  seeds: MaterialisedSeed[];
  /** Plans again from a fresh observation after apply; its result is the report's `after`. */
  replan: (observed: Observed) => Plan | Promise<Plan>;
  /** Progress lines for the spinner. */
  onProgress?: (message: string) => void;
  /** Called as each action finishes, applied or failed. */
  onResult?: (result: ActionResult) => void;
  /** Bound on readiness waits of containers (default: the docker executor's). */
  readyTimeoutMs?: number;
  /** Bound on waiting for partition reassignments (default 10 min). */
  reassignTimeoutMs?: number;
}

/**
 * Executes a plan in order: consecutive topic actions of one kind go in one batched request; container and
 * cluster.wait actions go to the Docker executors (Kafka is reconnected after the cluster restarts); seed
 * entries go to the seed executor. When the plan was made without a cluster (its containers were down),
 * the steps after the cluster comes up are planned again from a fresh observation, so topics and seeds that
 * survived in the stopped containers are not created or produced twice.
 * The first failure stops the run, and the report lists what was applied,
 * what failed and what is still pending: every executor is safe to repeat, so the next apply resumes.
 * Finally the cluster is observed and planned again: converged means that plan is empty and error-free.
 */
export async function apply(plan: Plan, ctx: ApplyContext): Promise<ApplyReport> {
  if (hasErrors(plan)) {
    const n = plan.diagnostics.filter((d) => d.severity === 'error').length;
    throw new KafkaformError(ErrorCodes.PLAN_HAS_ERRORS, `the plan has ${plural(n, 'error')}; nothing was applied`, {
      hint: 'run `kafkaform plan` to see them and fix the spec (or pass the opt-in they name)',
    });
  }
  const spec = ctx.link.spec;
  const applied: ActionResult[] = [];
  const failed: ActionResult[] = [];
  const record = (r: ActionResult): void => {
    (r.status === 'applied' ? applied : failed).push(r);
    ctx.onResult?.(r);
  };

  let observed = ctx.observed;
  // Made while the cluster was down or absent, the plan's topic and seed steps are a guess (every topic a
  // create, every seed unproduced); once the cluster is up they are planned again against what it holds.
  let blind = observed.cluster === null;
  let actions = plan.actions;
  let next = 0;
  let halted = false;
  while (next < actions.length && failed.length === 0 && !halted) {
    const first = actions[next]!;
    if (isTopicAction(first)) {
      let end = next + 1;
      while (end < actions.length && actions[end]!.kind === first.kind) end++;
      const group = actions.slice(next, end) as TopicAction[];
      next = end;
      try {
        await executeTopicActions(group, {
          conn: ctx.link.connection(),
          spec,
          owners: observed.cluster?.owners ?? {},
          onResult: record,
          onProgress: ctx.onProgress,
          reassignTimeoutMs: ctx.reassignTimeoutMs,
        });
      } catch (err) {
        // executeTopicActions reports per action; reaching here means none was reported (no connection).
        const reported = new Set([...applied, ...failed].map((r) => r.action));
        for (const a of group) if (!reported.has(a)) record(failure(a, 0, err));
      }
      continue;
    }
    if (isAccessAction(first)) {
      let end = next + 1;
      while (end < actions.length && isAccessAction(actions[end]!)) end++;
      const group = actions.slice(next, end).filter(isAccessAction);
      next = end;
      try {
        await executeAccessActions(group, { conn: ctx.link.connection(), spec, onResult: record, onProgress: ctx.onProgress });
      } catch (err) {
        const reported = new Set([...applied, ...failed].map((r) => r.action));
        for (const a of group) if (!reported.has(a)) record(failure(a, 0, err));
      }
      continue;
    }
    next++;
    const started = Date.now();
    try {
      await executeOne(first, ctx, observed);
      if (first.kind === 'cluster.wait' && blind) {
        blind = false;
        ctx.onProgress?.('the cluster is up: planning the remaining steps against what it holds');
        observed = await observe(spec, ctx);
        const rest = await ctx.replan(observed);
        actions = [...actions.slice(0, next), ...rest.actions];
        // A refusal that only the live cluster reveals (e.g. a partition decrease): stop before any topic step.
        halted = hasErrors(rest);
      }
      record({ action: first, status: 'applied', durationMs: Date.now() - started });
    } catch (err) {
      record(failure(first, Date.now() - started, err));
    }
  }

  const done = new Set([...applied, ...failed].map((r) => r.action));
  const pending = actions.filter((a) => !done.has(a));
  const after = plan.actions.length === 0 ? plan : await observeAgain(ctx);
  const converged = after !== null && after.actions.length === 0 && !hasErrors(after);
  return { formatVersion: PLAN_FORMAT_VERSION, project: plan.project, applied, failed, pending, converged, after };
}

/** Runs one container, cluster.wait or seed action. */
async function executeOne(action: Action, ctx: ApplyContext, observed: Observed): Promise<void> {
  const spec = ctx.link.spec;
  if (isContainerAction(action)) {
    const engine = observed.docker?.engine;
    if (!engine) throw new KafkaformError(ErrorCodes.INTERNAL, `${action.kind} planned without observing Docker; this is a bug, please report it`);
    await executeContainerAction(action, {
      docker: dockerOf(ctx),
      spec,
      engine,
      onProgress: ctx.onProgress,
      readyTimeoutMs: ctx.readyTimeoutMs,
    });
    // Brokers that (re)started invalidate the connection's broker list and sockets: dial afresh.
    if (action.kind === 'cluster.wait' || ('role' in action && action.role === 'kafka')) await ctx.link.reconnect();
    return;
  }
  if (action.kind === 'seed.produce') {
    await executeSeedProduce(action, {
      conn: ctx.link.connection(),
      spec,
      seeds: ctx.seeds,
      onProgress: ctx.onProgress,
    });
    return;
  }
  throw new KafkaformError(ErrorCodes.INTERNAL, `no executor for ${action.kind}; this is a bug, please report it`);
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

/** A failed result carrying the stable code of the error (KF999 for anything that is not ours). */
function failure(action: Action, durationMs: number, err: unknown): ActionResult {
  const code = err instanceof KafkaformError ? err.code : ErrorCodes.INTERNAL;
  const message = err instanceof Error ? err.message : String(err);
  const hint = err instanceof KafkaformError ? err.hint : undefined;
  return { action, status: 'failed', durationMs, error: { code, message, ...(hint ? { hint } : {}) } };
}
