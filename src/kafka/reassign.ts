import { plural } from '../words.js';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { TopicReassignAction } from '../plan/types.js';
import { isBrokerError, requestFailed, topicErrors } from './errors.js';
import type { Outcomes, TopicExecContext } from './topic-actions.js';
import { clearThrottle, setThrottle, type AppliedThrottle } from './throttle.js';
import { allTopicMetadata, sleep } from './wait.js';

/** How often the reassignment is polled. */
const POLL_MS = 500;

/**
 * Changes replication factors under a replication throttle (src/kafka/throttle.ts), removed again when done
 * whatever the outcome, so no throttle config outlives the apply. A throttle that cannot be set fails the
 * actions before anything moves.
 */
export async function reassignTopics(actions: TopicReassignAction[], ctx: TopicExecContext): Promise<Outcomes<TopicReassignAction>> {
  let throttle: AppliedThrottle;
  try {
    ctx.onProgress?.('throttling replication for the reassignment');
    throttle = await setThrottle(ctx.conn, actions);
  } catch (err) {
    return new Map(actions.map((a) => [a, requestFailed('throttle replication for', a.topic, err)]));
  }
  let outcomes: Outcomes<TopicReassignAction> = new Map();
  try {
    outcomes = await reassignThrottled(actions, ctx);
  } finally {
    try {
      await clearThrottle(ctx.conn, throttle);
    } catch (err) {
      // The reassignment's own outcome stands, but a throttle left behind must not go unnoticed.
      for (const a of actions) if (!outcomes.get(a)) outcomes.set(a, requestFailed('remove the replication throttle of', a.topic, err));
    }
  }
  return outcomes;
}

/**
 * Changes replication factors with one AlterPartitionReassignments request for all topics, then polls
 * ListPartitionReassignments until none of ours remain (reporting progress), then checks that the replicas
 * are the target ones. Sending the same target again is harmless, so the executor is safe to repeat.
 */
async function reassignThrottled(actions: TopicReassignAction[], ctx: TopicExecContext): Promise<Outcomes<TopicReassignAction>> {
  const outcomes: Outcomes<TopicReassignAction> = new Map();
  const admin = await ctx.conn.admin();
  ctx.onProgress?.(`reassigning ${plural(actions.length, 'topic')}`);
  try {
    await admin.alterPartitionReassignments({
      topics: actions.map((a) => ({
        topic: a.topic,
        partitionAssignment: a.assignments.map((p) => ({ partition: p.partition, replicas: [...p.replicas] })),
      })),
    });
  } catch (err) {
    const perTopic = topicErrors(err);
    if (perTopic.length === 0) {
      for (const a of actions) outcomes.set(a, requestFailed('reassign', a.topic, err));
      return outcomes;
    }
    // Partitions are reassigned independently: the topics without an error were accepted.
    for (const e of perTopic) {
      const a = actions.find((x) => x.topic === e.topic);
      if (a && !outcomes.has(a)) outcomes.set(a, requestFailed('reassign', a.topic, e.error));
    }
  }

  const running = actions.filter((a) => !outcomes.has(a));
  const unfinished = await waitForReassignments(running, ctx);
  for (const a of running) {
    if (unfinished.has(a.topic)) {
      const minutes = Math.round((ctx.reassignTimeoutMs ?? 600_000) / 60_000);
      outcomes.set(
        a,
        new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, `reassign "${a.topic}": still moving after ${minutes} min`, {
          details: { operation: 'reassign', topic: a.topic },
          hint: 'the reassignment continues inside Kafka; run apply again later to wait for it',
        }),
      );
    }
  }

  const finished = running.filter((a) => !unfinished.has(a.topic));
  for (const [a, error] of await verifyReplicas(finished, ctx)) outcomes.set(a, error);
  return outcomes;
}

/** Polls until no partition of these topics is being reassigned; returns the topics still moving at the deadline. */
async function waitForReassignments(actions: TopicReassignAction[], ctx: TopicExecContext): Promise<Set<string>> {
  if (actions.length === 0) return new Set();
  const admin = await ctx.conn.admin();
  const deadline = Date.now() + (ctx.reassignTimeoutMs ?? 600_000);
  const reported = new Map<string, number>();
  let moving = new Set(actions.map((a) => a.topic));
  for (;;) {
    try {
      const { topics } = await admin.listPartitionReassignments({
        topics: actions.filter((a) => moving.has(a.topic)).map((a) => ({ topic: a.topic, partitions: a.assignments.map((p) => p.partition) })),
      });
      const ongoing = new Map(topics.map((t) => [t.topic, t.partitions.length]));
      for (const a of actions.filter((x) => moving.has(x.topic))) {
        const total = a.assignments.length;
        const done = total - (ongoing.get(a.topic) ?? 0);
        if (reported.get(a.topic) !== done) {
          reported.set(a.topic, done);
          ctx.onProgress?.(`reassigning ${a.topic}: ${done}/${total} partitions done`);
        }
      }
      moving = new Set([...moving].filter((t) => (ongoing.get(t) ?? 0) > 0));
      if (moving.size === 0) return moving;
    } catch (err) {
      if (!isBrokerError(err)) throw err;
    }
    if (Date.now() >= deadline) return moving;
    await sleep(POLL_MS);
  }
}

/** Checks (polling briefly, as metadata lags the controller) that every partition has exactly its target replicas. */
async function verifyReplicas(actions: TopicReassignAction[], ctx: TopicExecContext): Promise<Outcomes<TopicReassignAction>> {
  const outcomes: Outcomes<TopicReassignAction> = new Map();
  if (actions.length === 0) return outcomes;
  const deadline = Date.now() + (ctx.waitTimeoutMs ?? 30_000);
  let wrong: TopicReassignAction[] = actions;
  for (;;) {
    try {
      const md = await allTopicMetadata(ctx.conn);
      wrong = actions.filter((a) => !matches(md.get(a.topic), a));
      if (wrong.length === 0) break;
    } catch (err) {
      if (!isBrokerError(err)) throw err;
    }
    if (Date.now() >= deadline) break;
    await sleep(200);
  }
  for (const a of actions) {
    outcomes.set(
      a,
      wrong.includes(a)
        ? new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, `reassign "${a.topic}": finished, but the replicas differ from the target`, {
            details: { operation: 'reassign', topic: a.topic },
            hint: 'another reassignment may have run at the same time; run plan to see the current replicas',
          })
        : null,
    );
  }
  return outcomes;
}

/** True when each target partition's replica set is exactly the target's (order aside: leadership moves later). */
function matches(parts: { partitionId: number; replicas: number[]; isr: number[] }[] | undefined, a: TopicReassignAction): boolean {
  if (!parts) return false;
  return a.assignments.every((t) => {
    const p = parts.find((x) => x.partitionId === t.partition);
    if (!p) return false;
    const want = [...t.replicas].sort((x, y) => x - y).join(',');
    return [...p.replicas].sort((x, y) => x - y).join(',') === want;
  });
}
