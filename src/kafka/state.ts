import type { Producer } from 'kafkajs';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { SeedRecord } from '../plan/observed.js';
import { STATE_TOPIC } from '../plan/state-topic.js';
import { foldAccessRecord, type AccessState } from './access-state.js';
import type { KafkaConnection } from './client.js';
import { kafkaErrorName, requestFailed } from './errors.js';
import { readAll } from './fetch.js';
import { waitForTopics } from './wait.js';

export { STATE_TOPIC };

// The state topic is compacted: one record per key, the last one wins and a null value (tombstone) removes it.
// Keys: `topic/<topic>` for ownership, `seed/<project>/<topic>/<entryId>` for the seed ledger.

/** One message for the state topic; a null value is a tombstone. */
export interface StateMessage {
  key: string;
  value: string | null;
}

/** "This project created this topic": written before the create (intent) and tombstoned when the topic is deleted. */
export interface OwnershipRecord {
  kind: 'topic';
  project: string;
  topic: string;
  /** ISO time of the record. */
  at: string;
}

/** What the state topic says: topic owners and seeded entries (every project's). */
export interface ClusterState {
  /** Topic name → project that created it. */
  owners: Record<string, string>;
  /** Sorted by project, topic, entryId. */
  seeds: SeedRecord[];
  /** ACL and user records (every project's); absent when none was read. */
  access?: AccessState;
}

/** The state-topic key of a topic's ownership record. */
export function ownershipKey(topic: string): string {
  return `topic/${topic}`;
}

/** The state-topic key of a seed ledger record; entry ids may contain '/', which is fine as the key is never parsed. */
export function seedKey(project: string, topic: string, entryId: string): string {
  return `seed/${project}/${topic}/${entryId}`;
}

/** An ownership record for `project` owning `topic`, stamped now unless `at` is given. */
export function ownershipRecord(project: string, topic: string, at: Date = new Date()): OwnershipRecord {
  return { kind: 'topic', project, topic, at: at.toISOString() };
}

/** The state-topic message recording an ownership. */
export function ownershipMessage(rec: OwnershipRecord): StateMessage & { value: string } {
  return {
    key: ownershipKey(rec.topic),
    value: JSON.stringify({ kind: 'topic', project: rec.project, topic: rec.topic, at: rec.at }),
  };
}

/** The tombstone that forgets a topic's owner (after a delete, or when our create lost a race). */
export function ownershipTombstone(topic: string): StateMessage {
  return { key: ownershipKey(topic), value: null };
}

/** A seed ledger record; producedAt defaults to now. */
export function seedRecord(fields: Omit<SeedRecord, 'producedAt'> & { producedAt?: string }): SeedRecord {
  return {
    project: fields.project,
    topic: fields.topic,
    entryId: fields.entryId,
    hash: fields.hash,
    count: fields.count,
    producedAt: fields.producedAt ?? new Date().toISOString(),
  };
}

/** The state-topic message of a seed ledger record; the seed executor sends it inside its transaction. */
export function seedRecordMessage(rec: SeedRecord): { key: string; value: string } {
  const value = {
    kind: 'seed',
    project: rec.project,
    topic: rec.topic,
    entryId: rec.entryId,
    hash: rec.hash,
    count: rec.count,
    producedAt: rec.producedAt,
  };
  return { key: seedKey(rec.project, rec.topic, rec.entryId), value: JSON.stringify(value) };
}

/** Folds state-topic records (in log order) into owners and seeds, as compaction would: last per key wins. */
export function parseState(records: Iterable<{ key: Buffer | string | null; value: Buffer | string | null }>): ClusterState {
  const latest = new Map<string, unknown>();
  for (const r of records) {
    if (r.key === null) continue;
    const key = r.key.toString();
    if (r.value === null) {
      latest.delete(key);
      continue;
    }
    try {
      latest.set(key, JSON.parse(r.value.toString()));
    } catch {
      // A record we cannot read (another tool, a future format) must not make every plan fail.
      latest.delete(key);
    }
  }
  const owners: Record<string, string> = {};
  const seeds: SeedRecord[] = [];
  const access: AccessState = { aclOwners: {}, users: {} };
  for (const [key, v] of latest) {
    if (!v || typeof v !== 'object') continue;
    const o = v as Record<string, unknown>;
    if (foldAccessRecord(key, o, access)) continue;
    if (o.kind === 'topic' && typeof o.project === 'string' && typeof o.topic === 'string' && key === ownershipKey(o.topic)) {
      owners[o.topic] = o.project;
    } else if (
      o.kind === 'seed' &&
      typeof o.project === 'string' &&
      typeof o.topic === 'string' &&
      typeof o.entryId === 'string' &&
      typeof o.hash === 'string' &&
      typeof o.count === 'number'
    ) {
      seeds.push({
        project: o.project,
        topic: o.topic,
        entryId: o.entryId,
        hash: o.hash,
        count: o.count,
        producedAt: typeof o.producedAt === 'string' ? o.producedAt : '',
      });
    }
  }
  seeds.sort((a, b) => cmp(a.project, b.project) || cmp(a.topic, b.topic) || cmp(a.entryId, b.entryId));
  const anyAccess = Object.keys(access.aclOwners).length > 0 || Object.keys(access.users).length > 0;
  return { owners: sortKeys(owners), seeds, ...(anyAccess ? { access } : {}) };
}

/** Reads the whole state topic (committed records only); a missing topic means no state yet, not an error. */
export async function readState(conn: KafkaConnection): Promise<ClusterState> {
  try {
    return parseState(await readAll(conn, STATE_TOPIC));
  } catch (err) {
    if (err instanceof KafkaformError && err.code === ErrorCodes.TOPIC_NOT_FOUND) return { owners: {}, seeds: [] };
    throw err instanceof KafkaformError ? err : requestFailed('read state topic', STATE_TOPIC, err);
  }
}

const ensured = new WeakMap<KafkaConnection, Promise<void>>();
const producers = new WeakMap<KafkaConnection, Promise<Producer>>();

/** Records that the state topic is known to exist (seen by the observer), so ensureStateTopic costs nothing. */
export function noteStateTopicExists(conn: KafkaConnection): void {
  if (!ensured.has(conn)) ensured.set(conn, Promise.resolve());
}

/**
 * Creates the compacted state topic when missing (1 partition, RF = min(3, brokers)) and waits for its leader.
 * Done once per connection; safe when another client creates it at the same time.
 */
export function ensureStateTopic(conn: KafkaConnection, opts: { timeoutMs?: number } = {}): Promise<void> {
  let p = ensured.get(conn);
  if (!p) {
    p = createStateTopic(conn, opts.timeoutMs ?? 60_000);
    p.catch(() => ensured.delete(conn));
    ensured.set(conn, p);
  }
  return p;
}

/** The create itself; TOPIC_ALREADY_EXISTS is the normal case after the first apply. */
async function createStateTopic(conn: KafkaConnection, timeoutMs: number): Promise<void> {
  const admin = await conn.admin();
  const { brokers } = await admin.describeCluster();
  const replicationFactor = Math.max(1, Math.min(3, brokers.length));
  try {
    await admin.createTopics({
      topics: [
        {
          topic: STATE_TOPIC,
          numPartitions: 1,
          replicationFactor,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      waitForLeaders: false,
    });
  } catch (err) {
    if (kafkaErrorName(err) !== 'TOPIC_ALREADY_EXISTS') throw requestFailed('create state topic', STATE_TOPIC, err);
  }
  const { pending } = await waitForTopics(conn, new Map([[STATE_TOPIC, 1]]), { timeoutMs });
  if (pending.length > 0) {
    throw new KafkaformError(ErrorCodes.CLUSTER_NOT_READY, `the state topic ${STATE_TOPIC} has no leader after ${timeoutMs} ms`, {
      hint: 'check that every broker is up (`kafkaform status`), then run apply again',
    });
  }
}

/** The producer used for state writes, one per connection (closed with it). */
function stateProducer(conn: KafkaConnection): Promise<Producer> {
  let p = producers.get(conn);
  if (!p) {
    p = conn.producer();
    p.catch(() => producers.delete(conn));
    producers.set(conn, p);
  }
  return p;
}

/** Writes state records in one produce request (acks from all in-sync replicas); ensures the topic first. */
export async function writeState(conn: KafkaConnection, messages: StateMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await ensureStateTopic(conn);
  const producer = await stateProducer(conn);
  try {
    await producer.send({ topic: STATE_TOPIC, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
  } catch (err) {
    throw requestFailed('write state topic', STATE_TOPIC, err);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => cmp(a, b)));
}
