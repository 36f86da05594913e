import { plural } from '../words.js';
import type { ITopicConfig } from 'kafkajs';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type {
  TopicAddPartitionsAction,
  TopicAdoptAction,
  TopicAlterConfigAction,
  TopicCreateAction,
  TopicDeleteAction,
  TopicReassignAction,
} from '../plan/types.js';
import type { Spec } from '../spec/types.js';
import type { KafkaConnection } from './client.js';
import { isBrokerError, kafkaErrorName, requestFailed, topicErrors } from './errors.js';
import { alterConfigsIncrementally, expectedAfter } from './alter-configs.js';
import { TOPIC_RESOURCE } from './client.js';
import {
  ownershipMessage,
  ownershipRecord,
  ownershipTombstone,
  writeState,
  type StateMessage,
} from './state.js';
import { waitForOverrides } from './verify.js';
import { allTopicMetadata, waitForTopics, waitForTopicsGone } from './wait.js';

/** The actions this module executes. */
export type TopicAction =
  | TopicCreateAction
  | TopicAddPartitionsAction
  | TopicAlterConfigAction
  | TopicReassignAction
  | TopicDeleteAction
  | TopicAdoptAction;

/** What the topic executors need: the connection, the spec (its project owns what is created) and callbacks. */
export interface TopicExecContext {
  conn: KafkaConnection;
  spec: Spec;
  /** Topic owners as observed before this apply: TOPIC_ALREADY_EXISTS on a topic we already owned is success. */
  owners?: Record<string, string>;
  onProgress?: (msg: string) => void;
  /** Bound on waiting for leaders, deletions and config visibility (default 60 s). */
  waitTimeoutMs?: number;
  /** Bound on waiting for partition reassignments (default 10 min); they keep running in Kafka afterwards. */
  reassignTimeoutMs?: number;
}

/** The outcome of one action inside a batch: null when applied. */
export type Outcomes<A> = Map<A, KafkaformError | null>;

/**
 * A same-kind group executor that never throws: a failure before any per-topic outcome is known (e.g. the
 * connection is lost) fails every action of the group with `operation` named in the message.
 */
export function guardTopics<A extends TopicAction>(
  operation: string,
  run: (actions: A[], ctx: TopicExecContext) => Promise<Outcomes<A>>,
): (actions: A[], ctx: TopicExecContext) => Promise<Outcomes<A>> {
  return async (actions, ctx) => {
    try {
      return await run(actions, ctx);
    } catch (err) {
      return new Map(actions.map((a) => [a, requestFailed(operation, a.topic, err)]));
    }
  };
}

/** Kafka errors that mean a CreateTopics entry certainly created nothing. */
const NOT_CREATED = new Set([
  'TOPIC_ALREADY_EXISTS',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_PARTITIONS',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_REPLICA_ASSIGNMENT',
  'INVALID_CONFIG',
  'INVALID_REQUEST',
  'POLICY_VIOLATION',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'UNSUPPORTED_VERSION',
]);

/**
 * Creates all topics in one CreateTopics request. Ownership is recorded first (intent), so a crash after the
 * create still leaves the topic owned; when Kafka says the create did not happen, the record is taken back.
 */
export async function createTopics(actions: TopicCreateAction[], ctx: TopicExecContext): Promise<Outcomes<TopicCreateAction>> {
  const { conn, spec } = ctx;
  const project = spec.project;
  const admin = await conn.admin();
  await writeState(conn, actions.map((a) => ownershipMessage(ownershipRecord(project, a.topic))));

  ctx.onProgress?.(`creating ${plural(actions.length, 'topic')}`);
  const failures = new Map<string, unknown>();
  try {
    const topics = [...actions.map(topicConfig), { topic: CREATE_PROBE }];
    const created = await admin.createTopics({ topics, waitForLeaders: false, timeout: ctx.waitTimeoutMs ?? 30_000 });
    // Only reachable if the broker accepted the probe: nothing then says which topics were created, so the
    // intent records stay (a topic we created remains ours) and each action fails as the bug it is.
    if (created) {
      const bug = new KafkaformError(ErrorCodes.INTERNAL, 'the broker accepted the create probe topic; this is a bug, please report it');
      return new Map(actions.map((a) => [a, bug]));
    }
  } catch (err) {
    const perTopic = topicErrors(err);
    // Nothing says which topics were created (e.g. the connection dropped): keep the intent records, so a
    // topic that was in fact created stays ours; the next apply creates the others.
    if (perTopic.length === 0) return new Map(actions.map((a) => [a, requestFailed('create topic', a.topic, err)]));
    for (const e of perTopic) if (e.topic !== CREATE_PROBE) failures.set(e.topic, e.error);
  }

  const outcomes: Outcomes<TopicCreateAction> = new Map();
  const takeBack: StateMessage[] = [];
  const created: TopicCreateAction[] = [];
  for (const a of actions) {
    const err = failures.get(a.topic);
    const before = ctx.owners?.[a.topic];
    if (err === undefined || (kafkaErrorName(err) === 'TOPIC_ALREADY_EXISTS' && before === project)) {
      created.push(a);
      continue;
    }
    // Certainly not created by us: give the record back to whoever owned it before, or forget it. Any other
    // error (a timeout, say) may hide a create that happened after all: the intent record stays.
    if (before !== project && NOT_CREATED.has(kafkaErrorName(err) ?? '')) takeBack.push(before ? ownershipMessage(ownershipRecord(before, a.topic)) : ownershipTombstone(a.topic));
    const error =
      kafkaErrorName(err) === 'TOPIC_ALREADY_EXISTS'
        ? new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, `create topic "${a.topic}" failed: TOPIC_ALREADY_EXISTS: another client created it meanwhile, so this project does not own it`, {
            details: { operation: 'create topic', topic: a.topic, kafkaError: 'TOPIC_ALREADY_EXISTS' },
            hint: 'run plan again to see the topic as it exists now',
          })
        : requestFailed('create topic', a.topic, err);
    outcomes.set(a, error);
  }
  if (takeBack.length > 0) {
    try {
      await writeState(conn, takeBack);
    } catch (err) {
      ctx.onProgress?.(`could not take back ownership records: ${(err as Error).message}`);
    }
  }

  if (created.length > 0) {
    ctx.onProgress?.(`waiting for leaders of ${plural(created.length, 'new topic')}`);
    const { pending } = await waitForTopics(conn, new Map(created.map((a) => [a.topic, a.partitions])), {
      timeoutMs: ctx.waitTimeoutMs ?? 60_000,
    });
    const late = new Set(pending);
    for (const a of created) outcomes.set(a, late.has(a.topic) ? notReady('create topic', a.topic) : null);
  }
  return outcomes;
}

/**
 * A CreateTopics entry that always fails (':' is illegal in topic names), sent with every create. kafkajs turns
 * a response whose only errors are TOPIC_ALREADY_EXISTS into `false`, losing which topics were created and
 * which raced with another client; with one certain failure the response always arrives as per-topic errors.
 */
const CREATE_PROBE = 'kafkaform:create-probe';

/** The CreateTopics entry of an action; null partitions/replication factor mean the broker's default (-1). */
function topicConfig(a: TopicCreateAction): ITopicConfig {
  const config: ITopicConfig = {
    topic: a.topic,
    configEntries: Object.entries(a.config).map(([name, value]) => ({ name, value: String(value) })),
  };
  if (a.partitions !== null) config.numPartitions = a.partitions;
  if (a.replicationFactor !== null) config.replicationFactor = a.replicationFactor;
  return config;
}

/** Adds partitions to all topics in one CreatePartitions request; a topic already at the target count is done. */
export async function addPartitions(actions: TopicAddPartitionsAction[], ctx: TopicExecContext): Promise<Outcomes<TopicAddPartitionsAction>> {
  const admin = await ctx.conn.admin();
  ctx.onProgress?.(`adding partitions to ${plural(actions.length, 'topic')}`);
  const send = (as: TopicAddPartitionsAction[]) =>
    admin.createPartitions({ topicPartitions: as.map((a) => ({ topic: a.topic, count: a.to })) });
  // INVALID_PARTITIONS also answers "already has that many" (e.g. the batch did it before a retry alone); the
  // answering broker's metadata may lag the controller, so look for a moment before calling it a failure.
  const reached = async (a: TopicAddPartitionsAction, err: unknown) =>
    kafkaErrorName(err) === 'INVALID_PARTITIONS' &&
    (await waitForTopics(ctx.conn, new Map([[a.topic, a.to]]), { timeoutMs: 3000 })).pending.length === 0;
  const outcomes = await batchThenEach(actions, send, reached, 'add partitions to');
  const done = actions.filter((a) => outcomes.get(a) === null);
  if (done.length > 0) {
    const { pending } = await waitForTopics(ctx.conn, new Map(done.map((a) => [a.topic, a.to])), {
      timeoutMs: ctx.waitTimeoutMs ?? 60_000,
    });
    for (const a of done) if (pending.includes(a.topic)) outcomes.set(a, notReady('add partitions to', a.topic));
  }
  return outcomes;
}

/**
 * Alters configs of all topics: per key in one IncrementalAlterConfigs request (method `incremental`), or, for
 * brokers without it, in one AlterConfigs request that replaces each topic's whole override set (the planner
 * computed the complete set, and exactly that is sent).
 */
export async function alterConfigs(actions: TopicAlterConfigAction[], ctx: TopicExecContext): Promise<Outcomes<TopicAlterConfigAction>> {
  const admin = await ctx.conn.admin();
  ctx.onProgress?.(`changing config of ${plural(actions.length, 'topic')}`);
  const send = async (as: TopicAlterConfigAction[]) => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: as.map((a) => ({
        type: TOPIC_RESOURCE,
        name: a.topic,
        configEntries: Object.entries(a.overrides ?? {}).map(([name, value]) => ({ name, value: String(value) })),
      })),
    });
  };
  const outcomes = await alterConfigsIncrementally(ctx.conn, actions.filter((a) => a.method !== 'replace'));
  const replaced = actions.filter((a) => a.method === 'replace');
  for (const [a, e] of await batchThenEach(replaced, send, async () => false, 'alter config of')) outcomes.set(a, e);
  const done = actions.filter((a) => outcomes.get(a) === null);
  if (done.length > 0) {
    // Brokers learn config changes from the controller asynchronously: wait until they are visible, so the
    // plan that follows apply sees them.
    await waitForOverrides(ctx.conn, done.map(expectedAfter), 10_000);
  }
  return outcomes;
}

/** Deletes all topics in one DeleteTopics request, waits until they are gone, then forgets their ownership. */
export async function deleteTopics(actions: TopicDeleteAction[], ctx: TopicExecContext): Promise<Outcomes<TopicDeleteAction>> {
  const admin = await ctx.conn.admin();
  // kafkajs retries UNKNOWN_TOPIC_OR_PARTITION on delete for seconds; topics already gone are simply done.
  const existing = await allTopicMetadata(ctx.conn);
  const present = actions.filter((a) => existing.has(a.topic));
  const outcomes: Outcomes<TopicDeleteAction> = new Map(actions.filter((a) => !existing.has(a.topic)).map((a) => [a, null]));
  if (present.length > 0) {
    ctx.onProgress?.(`deleting ${plural(present.length, 'topic')}`);
    const send = (as: TopicDeleteAction[]) => admin.deleteTopics({ topics: as.map((a) => a.topic) });
    const gone = async (_a: TopicDeleteAction, err: unknown) => kafkaErrorName(err) === 'UNKNOWN_TOPIC_OR_PARTITION';
    for (const [a, e] of await batchThenEach(present, send, gone, 'delete topic')) outcomes.set(a, e);
  }
  const deleted = actions.filter((a) => outcomes.get(a) === null);
  if (deleted.length > 0) {
    const { pending } = await waitForTopicsGone(ctx.conn, deleted.map((a) => a.topic), { timeoutMs: ctx.waitTimeoutMs ?? 60_000 });
    for (const a of deleted) if (pending.includes(a.topic)) outcomes.set(a, notReady('delete topic', a.topic));
    const forgotten = deleted.filter((a) => !pending.includes(a.topic));
    try {
      await writeState(ctx.conn, forgotten.map((a) => ownershipTombstone(a.topic)));
    } catch (err) {
      // The topic is gone but the record says we own the name: report it, a stale claim must not go unnoticed.
      for (const a of forgotten) outcomes.set(a, requestFailed('forget ownership of', a.topic, err));
    }
  }
  return outcomes;
}

/**
 * Sends one request for all actions. When the broker refuses it, kafkajs reports only the first error and
 * not its topic, so each action is sent alone to attribute errors (repeating a done action is harmless).
 * Failures that are not the broker's (connection lost) fail every action without retrying each.
 */
export async function batchThenEach<A extends TopicAction>(
  actions: A[],
  send: (as: A[]) => Promise<unknown>,
  benign: (a: A, err: unknown) => Promise<boolean>,
  operation: string,
): Promise<Outcomes<A>> {
  const outcomes: Outcomes<A> = new Map();
  if (actions.length === 0) return outcomes;
  try {
    await send(actions);
    for (const a of actions) outcomes.set(a, null);
    return outcomes;
  } catch (err) {
    if (!isBrokerError(err)) {
      for (const a of actions) outcomes.set(a, requestFailed(operation, a.topic, err));
      return outcomes;
    }
    if (actions.length === 1) {
      const a = actions[0]!;
      outcomes.set(a, (await benign(a, err)) ? null : requestFailed(operation, a.topic, err));
      return outcomes;
    }
  }
  for (const a of actions) {
    try {
      await send([a]);
      outcomes.set(a, null);
    } catch (err) {
      outcomes.set(a, isBrokerError(err) && (await benign(a, err)) ? null : requestFailed(operation, a.topic, err));
    }
  }
  return outcomes;
}

/** The error of a change Kafka accepted but that did not become visible in time. */
export function notReady(operation: string, topic: string): KafkaformError {
  return new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, `${operation} "${topic}": accepted, but not visible in the cluster metadata in time`, {
    details: { operation, topic },
    hint: 'check that every broker is up (`kafkaform status`), then run apply again',
  });
}

