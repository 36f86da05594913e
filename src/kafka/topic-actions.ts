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
import { setTimeout as sleep } from 'node:timers/promises';
import { isBrokerError, kafkaErrorMessage, kafkaErrorName, requestFailed, topicErrors } from './errors.js';
import { alterConfigsIncrementally, expectedAfter } from './alter-configs.js';
import { TOPIC_RESOURCE } from './client.js';
import { ensureStateTopic, liveOwners, ownershipMessage, ownershipRecord, ownershipTombstone, readState, writeState } from './state.js';
import { deleteTopicsById, fetchTopicIds } from './topic-ids.js';
import { waitForOverrides } from './verify.js';
import { waitForTopics } from './wait.js';

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

/**
 * Creates the topics, in requests of at most CREATE_RECORD_BUDGET controller records each (see chunkByRecords).
 * Ownership is recorded only after a create that certainly made the topic (no per-topic error), with the ID
 * the new topic has: a create that raced with another client, failed or was interrupted claims nothing.
 */
export async function createTopics(actions: TopicCreateAction[], ctx: TopicExecContext): Promise<Outcomes<TopicCreateAction>> {
  const outcomes: Outcomes<TopicCreateAction> = new Map();
  // The state topic, where ownership is recorded, first: made after a large create, it would show only once the
  // broker had made every log of that create (seconds for thousands of partitions). Should this fail, the
  // ownership write after the create tries again and reports it per topic.
  await ensureStateTopic(ctx.conn).catch(() => undefined);
  const chunks = chunkByRecords(actions, createRecords);
  for (const [i, chunk] of chunks.entries()) {
    if (chunks.length > 1) ctx.onProgress?.(`creating topics: request ${i + 1} of ${chunks.length}`);
    for (const [a, e] of await createChunk(chunk, ctx)) outcomes.set(a, e);
  }
  return outcomes;
}

/** One CreateTopics request, then leaders, topic IDs and ownership records of the topics it created. */
async function createChunk(actions: TopicCreateAction[], ctx: TopicExecContext): Promise<Outcomes<TopicCreateAction>> {
  const { conn, spec } = ctx;
  const project = spec.project;
  const admin = await conn.admin();

  ctx.onProgress?.(`creating ${plural(actions.length, 'topic')}`);
  const failures = new Map<string, unknown>();
  try {
    const topics = [...actions.map(topicConfig), { topic: CREATE_PROBE }];
    const created = await admin.createTopics({ topics, waitForLeaders: false, timeout: ctx.waitTimeoutMs ?? 30_000 });
    // Only reachable if the broker accepted the probe: nothing then says which topics were created, so
    // nothing is claimed and each action fails as the bug it is.
    if (created) {
      const bug = new KafkaformError(ErrorCodes.INTERNAL, 'the broker accepted the create probe topic; this is a bug, please report it');
      return new Map(actions.map((a) => [a, bug]));
    }
  } catch (err) {
    const perTopic = topicErrors(err);
    // Nothing says which topics were created (e.g. the connection dropped): claim none. A topic that was in
    // fact created stays unowned (never deleted by kafkaform); the next plan shows it as existing.
    if (perTopic.length === 0) return new Map(actions.map((a) => [a, requestFailed('create topic', a.topic, err)]));
    for (const e of perTopic) if (e.topic !== CREATE_PROBE) failures.set(e.topic, e.error);
  }

  const outcomes: Outcomes<TopicCreateAction> = new Map();
  const created: TopicCreateAction[] = [];
  const ours: TopicCreateAction[] = [];
  const raced: TopicCreateAction[] = [];
  for (const a of actions) {
    const err = failures.get(a.topic);
    if (err === undefined) {
      created.push(a);
      ours.push(a);
      continue;
    }
    // Already there and already ours (by topic ID, as observed): a blind plan met a topic that survived.
    if (kafkaErrorName(err) === 'TOPIC_ALREADY_EXISTS' && ctx.owners?.[a.topic] === project) {
      created.push(a);
      continue;
    }
    if (kafkaErrorName(err) === 'TOPIC_ALREADY_EXISTS') raced.push(a);
    const error =
      kafkaErrorName(err) === 'TOPIC_ALREADY_EXISTS'
        ? new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, `create topic "${a.topic}" failed: TOPIC_ALREADY_EXISTS: another client created it meanwhile, so this project does not own it`, {
            details: { operation: 'create topic', topic: a.topic, kafkaError: 'TOPIC_ALREADY_EXISTS' },
            hint: 'run plan again to see the topic as it exists now',
          })
        : requestFailed('create topic', a.topic, err);
    outcomes.set(a, error);
  }

  // Recorded at once: a crash between Kafka's answer and this write leaves the topic unowned (kept, never
  // deleted by kafkaform), so the window is kept to one metadata read and one produce.
  const unowned = await recordOwnership(ours, ctx);
  // A create lost to another apply of this same project is no failure: that apply records the topic as the
  // project's (by its ID) a moment after its create; only then is the topic counted as created.
  for (const a of await createdBySibling(raced, ctx)) {
    outcomes.delete(a);
    created.push(a);
  }
  if (created.length > 0) {
    ctx.onProgress?.(`waiting for leaders of ${plural(created.length, 'new topic')}`);
    const { pending } = await waitForTopics(conn, new Map(created.map((a) => [a.topic, a.partitions])), {
      timeoutMs: ctx.waitTimeoutMs ?? 60_000,
    });
    const late = new Set(pending);
    for (const a of created) outcomes.set(a, late.has(a.topic) ? notReady('create topic', a.topic) : null);
  }
  for (const [a, e] of unowned) if (e) outcomes.set(a, e);
  return outcomes;
}

/**
 * Writes ownership records, with their topic IDs, for topics this run created. A record that cannot be
 * written fails its action: the topic exists but is not owned, so kafkaform will never delete it.
 */
async function recordOwnership(actions: TopicCreateAction[], ctx: TopicExecContext): Promise<Outcomes<TopicCreateAction>> {
  const outcomes: Outcomes<TopicCreateAction> = new Map();
  if (actions.length === 0) return outcomes;
  const project = ctx.spec.project;
  try {
    let ids = await fetchTopicIds(ctx.conn, actions.map((a) => a.topic));
    // The answering broker may not list a topic born a moment ago yet.
    const deadline = Date.now() + (ctx.waitTimeoutMs ?? 60_000);
    while (actions.some((a) => !ids.has(a.topic)) && Date.now() < deadline) {
      await sleep(100);
      ids = new Map([...ids, ...(await fetchTopicIds(ctx.conn, actions.filter((a) => !ids.has(a.topic)).map((a) => a.topic)))]);
    }
    const known = actions.filter((a) => ids.has(a.topic));
    await writeState(ctx.conn, project, known.map((a) => ownershipMessage(ownershipRecord(project, a.topic, ids.get(a.topic)!))));
    for (const a of actions) if (!ids.has(a.topic)) outcomes.set(a, unrecorded(a.topic, new Error('its topic ID was not in the metadata')));
  } catch (err) {
    for (const a of actions) outcomes.set(a, unrecorded(a.topic, err));
  }
  return outcomes;
}

/** How long a lost create waits for the winning apply of the same project to record its ownership. */
const SIBLING_RECORD_WAIT_MS = 5000;

/** Of the topics whose create met TOPIC_ALREADY_EXISTS, those this project owns by their current ID (another apply of it created them). */
async function createdBySibling(actions: TopicCreateAction[], ctx: TopicExecContext): Promise<TopicCreateAction[]> {
  if (actions.length === 0) return [];
  const project = ctx.spec.project;
  const deadline = Date.now() + SIBLING_RECORD_WAIT_MS;
  try {
    for (;;) {
      const [state, ids] = await Promise.all([readState(ctx.conn, { project }), fetchTopicIds(ctx.conn, actions.map((a) => a.topic))]);
      const owners = liveOwners(state, ids);
      const mine = actions.filter((a) => owners[a.topic] === project);
      // Every topic claimed (by us or by another project): nothing more to wait for.
      if (actions.every((a) => owners[a.topic] !== undefined) || Date.now() >= deadline) return mine;
      await sleep(250);
    }
  } catch {
    // Unknown: the creates stay failed as TOPIC_ALREADY_EXISTS, and the next plan shows who owns them.
    return [];
  }
}

/** A topic created by this run whose ownership could not be recorded. */
function unrecorded(topic: string, err: unknown): KafkaformError {
  return new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, `topic "${topic}" was created, but its ownership could not be recorded: ${kafkaErrorMessage(err)}`, {
    details: { operation: 'record ownership of', topic },
    hint: 'the topic is kept and is not owned by this project, so kafkaform will never delete it; delete it by hand if it must go',
    cause: err,
  });
}

/**
 * Most controller records one CreateTopics or CreatePartitions request may make. The KRaft controller refuses a
 * request over its cap (10,000 records: a topic record plus one per partition and per config; measured on 4.4:
 * 1,666 topics of 3 partitions and 2 configs, 9,996 records, pass, 1,667 are refused with POLICY_VIOLATION), so
 * large applies are split, with a tenth of the cap to spare. As few requests as possible matter: a broker lists
 * the topics of a later request only once it has made the logs of the earlier one (about 9 s for 2,500 partitions
 * on a laptop), while one request's topics all show at once.
 */
export const CREATE_RECORD_BUDGET = 9000;

/** Controller records a topic create stands for: the topic, each partition (one when the broker's default), each config. */
export function createRecords(a: TopicCreateAction): number {
  return (a.partitions ?? 1) + 1 + Object.keys(a.config).length;
}

/** Splits actions into consecutive chunks whose record counts stay within the budget (a single large action goes alone). */
export function chunkByRecords<A>(actions: A[], records: (a: A) => number, budget = CREATE_RECORD_BUDGET): A[][] {
  const chunks: A[][] = [];
  let current: A[] = [];
  let used = 0;
  for (const a of actions) {
    const n = records(a);
    if (current.length > 0 && used + n > budget) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(a);
    used += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
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
  const outcomes: Outcomes<TopicAddPartitionsAction> = new Map();
  for (const chunk of chunkByRecords(actions, (a) => a.to - a.from)) {
    for (const [a, e] of await batchThenEach(chunk, send, reached, 'add partitions to')) outcomes.set(a, e);
  }
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
  ctx.onProgress?.(`changing config of ${plural(actions.length, 'topic')}`);
  // The admin client only for brokers without IncrementalAlterConfigs: its connection is not made otherwise.
  const send = async (as: TopicAlterConfigAction[]) => {
    const admin = await ctx.conn.admin();
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

/**
 * Deletes topics by topic ID, and only those whose current ID is the one this project's ownership record
 * holds (read afresh): a topic re-created under the same name, or claimed by no record of ours, is left alone
 * and its action fails with OWNERSHIP_MISMATCH. Waits until the deleted IDs are gone, then forgets them.
 */
export async function deleteTopics(actions: TopicDeleteAction[], ctx: TopicExecContext): Promise<Outcomes<TopicDeleteAction>> {
  const project = ctx.spec.project;
  const [state, ids] = await Promise.all([readState(ctx.conn, { project, onProgress: ctx.onProgress }), fetchTopicIds(ctx.conn, actions.map((a) => a.topic))]);
  const outcomes: Outcomes<TopicDeleteAction> = new Map();
  const owned = new Map<TopicDeleteAction, string>();
  for (const a of actions) {
    const id = ids.get(a.topic);
    if (id === undefined) {
      outcomes.set(a, null); // already gone
      continue;
    }
    const mine = state.ownerships.filter((o) => o.project === project && o.topic === a.topic);
    if (mine.some((o) => o.topicId === id)) owned.set(a, id);
    else outcomes.set(a, mismatch(a.topic, id, mine.map((o) => o.topicId), project));
  }
  if (owned.size === 0) return outcomes;

  ctx.onProgress?.(`deleting ${plural(owned.size, 'topic')}`);
  let answers: Map<string, string | null>;
  try {
    answers = await deleteTopicsById(ctx.conn, [...owned.values()], ctx.waitTimeoutMs ?? 30_000);
  } catch (err) {
    for (const a of owned.keys()) outcomes.set(a, requestFailed('delete topic', a.topic, err));
    return outcomes;
  }
  const deleted: [TopicDeleteAction, string][] = [];
  for (const [a, id] of owned) {
    const answer = answers.get(id);
    // UNKNOWN_TOPIC_ID: the topic with our ID is gone already (deleted meanwhile); a namesake is never touched.
    if (answer === null || answer === 'UNKNOWN_TOPIC_ID') deleted.push([a, id]);
    else outcomes.set(a, requestFailed('delete topic', a.topic, Object.assign(new Error(answer ?? 'no answer for this topic'), { type: answer ?? undefined })));
  }
  const pending = await waitForIdsGone(ctx.conn, deleted, ctx.waitTimeoutMs ?? 60_000);
  for (const [a] of deleted) outcomes.set(a, pending.has(a) ? notReady('delete topic', a.topic) : null);
  const forgotten = deleted.filter(([a]) => !pending.has(a));
  try {
    await writeState(ctx.conn, project, forgotten.map(([, id]) => ownershipTombstone(id)));
  } catch (err) {
    // The topic is gone and its ID will never come back, so a lingering record claims nothing: report only.
    ctx.onProgress?.(`could not forget ownership records: ${kafkaErrorMessage(err)}`);
  }
  return outcomes;
}

/** Polls topic IDs until none of the deleted ones is listed; returns the actions whose topic is still there. */
async function waitForIdsGone(conn: KafkaConnection, deleted: [TopicDeleteAction, string][], timeoutMs: number): Promise<Set<TopicDeleteAction>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ids = await fetchTopicIds(conn, deleted.map(([a]) => a.topic));
    const live = new Set(ids.values());
    const pending = new Set(deleted.filter(([, id]) => live.has(id)).map(([a]) => a));
    if (pending.size === 0 || Date.now() >= deadline) return pending;
    await sleep(100);
  }
}

/** OWNERSHIP_MISMATCH: the topic under this name is not the one the project created; nothing was deleted. */
function mismatch(topic: string, id: string, recorded: string[], project: string): KafkaformError {
  const why = recorded.length > 0
    ? `its topic ID is ${id}, but project ${project} created the topic with ID ${recorded.join(', ')} (it was deleted and created again by someone else)`
    : `project ${project} holds no ownership record for its topic ID ${id}`;
  return new KafkaformError(ErrorCodes.OWNERSHIP_MISMATCH, `delete topic "${topic}": not deleted, ${why}`, {
    details: { operation: 'delete topic', topic, topicId: id },
    hint: 'the topic is left as it is; run plan again (it now shows as unmanaged), and delete it by hand if it really must go',
  });
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

