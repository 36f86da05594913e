import type Docker from 'dockerode';
import type { ContainerAction, ContainerExecContext } from '../docker/container-actions.js';
import type { MadeByRun } from '../docker/made.js';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { AccessExecContext } from '../kafka/access-execute.js';
import type { LazyKafkaConnection } from '../kafka/lazy-connection.js';
import {
  addPartitions,
  alterConfigs,
  createTopics,
  deleteTopics,
  guardTopics,
  type Outcomes,
  type TopicAction,
  type TopicExecContext,
} from '../kafka/topic-actions.js';
import type { AccessAction } from '../plan/access-types.js';
import type { Observed } from '../plan/observed.js';
import type { Action, ActionKind, ActionResult, ClusterWaitAction, SeedProduceAction } from '../plan/types.js';
import type { SeedDigest } from '../plan/desired.js';
import type { Spec } from '../spec/types.js';

/** What an executor may use: the run's connections, the observation its part of the plan was made from, and its bounds. */
export interface ExecRun {
  spec: Spec;
  /** The run's Kafka connection; executors that restart brokers make it dial afresh. */
  link: LazyKafkaConnection;
  /** The run's Docker client, made on first use. */
  docker: () => Docker;
  /** The observation the running part of the plan was made from: topic owners (create races), the Docker engine (networking). */
  observed: Observed;
  /** Digests of the planned seed entries; seed.produce re-reads each source and checks it still matches. */
  seeds: SeedDigest[];
  onProgress?: (message: string) => void;
  /** Bound on readiness waits (cluster, healthy dependency); default the readiness module's. */
  readyTimeoutMs?: number;
  /** Bound on waiting for partition reassignments (default 10 min). */
  reassignTimeoutMs?: number;
  /** Where container executors record what this run creates (removed again when a container step fails). */
  made?: MadeByRun;
}

/** Executes one action; a failure is thrown (a KafkaformError, anything else is reported as KF999). */
export interface SingleExecutor<A extends Action> {
  batch: false;
  run: (action: A, run: ExecRun) => Promise<void>;
}

/** Executes consecutive actions of one kind in one request and returns each one's outcome (null: applied). */
export interface BatchExecutor<A extends Action> {
  batch: true;
  run: (actions: A[], run: ExecRun) => Promise<Outcomes<A>>;
}

/** How one action kind is executed. */
export type Executor<A extends Action> = SingleExecutor<A> | BatchExecutor<A>;

/** An executor for every action kind: a mapped type over the Action union, so a kind without one does not compile. */
export type Executors = { [K in ActionKind]: Executor<Extract<Action, { kind: K }>> };

/**
 * A module's function, imported on its first call: a run without a step of that kind never loads the module
 * (container, seed, reassignment and access executors pull in Docker, record batches and more).
 */
function later<Args extends unknown[], R>(load: () => Promise<(...args: Args) => Promise<R>>): (...args: Args) => Promise<R> {
  return async (...args) => (await load())(...args);
}

const containerActions = () => import('../docker/container-actions.js');
const accessExecute = () => import('../kafka/access-execute.js');

/** The one dispatch from action kind to executor. Every executor is safe to repeat, so a failed apply resumes. */
export const executors: Executors = {
  'container.create': container(later(async () => (await containerActions()).executeContainerCreate)),
  'container.start': container(later(async () => (await containerActions()).executeContainerStart)),
  'container.recreate': container(later(async () => (await containerActions()).executeContainerRecreate)),
  'container.remove': container(later(async () => (await containerActions()).executeContainerRemove)),
  'cluster.wait': { batch: false, run: waitForCluster },
  'topic.create': topics('create topic', createTopics),
  'topic.addPartitions': topics('add partitions to', addPartitions),
  'topic.alterConfig': topics('alter config of', alterConfigs),
  'topic.reassign': topics('reassign', later(async () => (await import('../kafka/reassign.js')).reassignTopics)),
  'topic.delete': topics('delete topic', deleteTopics),
  'topic.adopt': topics('adopt topic', later(async () => (await import('../kafka/adopt.js')).adoptTopics)),
  'seed.produce': { batch: false, run: produceSeed },
  'acl.create': access(later(async () => (await accessExecute()).createBindings)),
  'acl.delete': access(later(async () => (await accessExecute()).deleteBindings)),
  'user.create': access(async (actions, ctx) => (await accessExecute()).setUsers(actions, ctx)),
  'user.update': access(async (actions, ctx) => (await accessExecute()).setUsers(actions, ctx)),
  'user.delete': access(later(async () => (await accessExecute()).deleteUsers)),
};

/** The executor of an action's kind (the registry is keyed by kind, so the entry takes that action). */
export function executorOf(action: Action): Executor<Action> {
  return executors[action.kind] as Executor<Action>;
}

/**
 * Executes one step: a single action, or consecutive same-kind actions of a batched kind. Returns one result
 * per action, in order; never throws.
 */
export async function executeStep(step: Action[], run: ExecRun): Promise<ActionResult[]> {
  const executor = executorOf(step[0]!);
  const started = Date.now();
  if (!executor.batch) {
    const action = step[0]!;
    try {
      await executor.run(action, run);
      return [{ action, status: 'applied', durationMs: Date.now() - started }];
    } catch (err) {
      return [failure(action, Date.now() - started, err)];
    }
  }
  let outcomes: Outcomes<Action>;
  try {
    outcomes = await executor.run(step, run);
  } catch (err) {
    // Batch executors report per action; reaching here means none was reported (e.g. no connection).
    return step.map((a) => failure(a, 0, err));
  }
  const durationMs = Date.now() - started;
  return step.map((action) => {
    const error = outcomes.get(action) ?? null;
    return error ? failure(action, durationMs, error) : { action, status: 'applied', durationMs };
  });
}

/** The plan's actions cut into steps: consecutive actions of one batched kind form one step, every other action its own. */
export function steps(actions: Action[]): Action[][] {
  const out: Action[][] = [];
  for (const action of actions) {
    const last = out[out.length - 1];
    if (last && executorOf(action).batch && last[0]!.kind === action.kind) last.push(action);
    else out.push([action]);
  }
  return out;
}

/** A failed result carrying the stable code of the error (KF999 for anything that is not ours). */
export function failure(action: Action, durationMs: number, err: unknown): ActionResult {
  const code = err instanceof KafkaformError ? err.code : ErrorCodes.INTERNAL;
  const message = err instanceof Error ? err.message : String(err);
  const hint = err instanceof KafkaformError ? err.hint : undefined;
  return { action, status: 'failed', durationMs, error: { code, message, ...(hint ? { hint } : {}) } };
}

/** A container executor; brokers that (re)started invalidate the connection's broker list and sockets, so it dials afresh. */
function container<A extends ContainerAction>(execute: (action: A, ctx: ContainerExecContext) => Promise<void>): SingleExecutor<A> {
  return {
    batch: false,
    run: async (action, run) => {
      await execute(action, containerContext(action, run));
      if (action.role === 'kafka') await run.link.reconnect();
    },
  };
}

function containerContext(action: Action, run: ExecRun): ContainerExecContext {
  const engine = run.observed.docker?.engine;
  if (!engine) throw new KafkaformError(ErrorCodes.INTERNAL, `${action.kind} planned without observing Docker; this is a bug, please report it`);
  return { docker: run.docker(), spec: run.spec, engine, onProgress: run.onProgress, readyTimeoutMs: run.readyTimeoutMs, made: run.made };
}

/** A topic executor: one request for the step's actions; a failure before per-topic outcomes fails them all. */
function topics<A extends TopicAction>(operation: string, execute: (actions: A[], ctx: TopicExecContext) => Promise<Outcomes<A>>): BatchExecutor<A> {
  const guarded = guardTopics(operation, execute);
  return { batch: true, run: (actions, run) => guarded(actions, topicContext(run)) };
}

function topicContext(run: ExecRun): TopicExecContext {
  return {
    conn: run.link.connection(),
    spec: run.spec,
    owners: run.observed.cluster?.owners ?? {},
    onProgress: run.onProgress,
    reassignTimeoutMs: run.reassignTimeoutMs,
  };
}

/** An ACL or user executor: one request per step (CreateAcls, DeleteAcls, AlterUserScramCredentials). */
function access<A extends AccessAction>(execute: (actions: A[], ctx: AccessExecContext) => Promise<Outcomes<A>>): BatchExecutor<A> {
  return { batch: true, run: (actions, run) => execute(actions, { conn: run.link.connection(), spec: run.spec, onProgress: run.onProgress }) };
}

/** cluster.wait: a Kafka action (the cluster answers); the Docker side only tells which node containers to watch. */
async function waitForCluster(action: ClusterWaitAction, run: ExecRun): Promise<void> {
  const { executeClusterWait } = await import('../kafka/readiness.js');
  const { kafkaNodeContainers } = await import('../docker/container-readiness.js');
  await executeClusterWait(action, {
    spec: run.spec,
    containers: run.spec.containers?.kafka ? kafkaNodeContainers(run.docker(), run.spec) : undefined,
    readyTimeoutMs: run.readyTimeoutMs,
    onProgress: run.onProgress,
  });
  // The brokers just came up: a connection made before knows none of them.
  await run.link.reconnect();
}

async function produceSeed(action: SeedProduceAction, run: ExecRun): Promise<void> {
  const { executeSeedProduce } = await import('../seed/produce.js');
  await executeSeedProduce(action, { conn: run.link.connection(), spec: run.spec, seeds: run.seeds, onProgress: run.onProgress });
}
