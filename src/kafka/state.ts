import { ErrorCodes, KafkaformError } from '../errors.js';
import type { SeedRecord } from '../plan/observed.js';
import { STATE_TOPIC } from '../plan/state-topic.js';
import { foldAccessRecord, type AccessState } from './access-state.js';
import type { KafkaConnection } from './client.js';
import { requestFailed } from './errors.js';
import { readAll } from './fetch.js';
import { stateTopicWriter, type StateMessage } from './state-writer.js';

export { STATE_TOPIC };

// The state topic is compacted: one record per key, the last one wins and a null value (tombstone) removes it.
// Keys: `topic/<topic>` for ownership, `seed/<project>/<topic>/<entryId>` for the seed ledger.

export type { StateMessage };

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

/** Records that the state topic is known to exist (seen by the observer), so ensureStateTopic costs nothing. */
export function noteStateTopicExists(conn: KafkaConnection): void {
  conn.use(stateTopicWriter).noteExists();
}

/** Creates the state topic when missing and waits for its leader; once per connection (see StateTopicWriter.ensure). */
export function ensureStateTopic(conn: KafkaConnection, opts: { timeoutMs?: number } = {}): Promise<void> {
  return conn.use(stateTopicWriter).ensure(opts);
}

/** Writes state records in one produce request through the connection's state-topic writer; ensures the topic first. */
export function writeState(conn: KafkaConnection, messages: StateMessage[]): Promise<void> {
  return conn.use(stateTopicWriter).write(messages);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => cmp(a, b)));
}
