import { ErrorCodes, KafkaformError } from '../errors.js';
import type { SeedRecord } from '../plan/observed.js';
import { STATE_TOPIC } from '../plan/state-topic.js';
import { foldAccessRecord, type AccessState } from './access-state.js';
import type { KafkaConnection } from './client.js';
import { requestFailed } from './errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { partitionEnds, readAll, readTopic, type PartitionEnds } from './fetch.js';
import { STATE_PARTITIONS, statePartition, stateTopicWriter, type StateMessage } from './state-writer.js';

export { STATE_TOPIC };

// The state topic is compacted: one record per key, the last one wins and a null value (tombstone) removes it.
// Keys: `owner/<topicId>` for ownership, `seed/<project>/<topic>/<entryId>` for the seed ledger. Each project
// writes only to its own partition (statePartition), so one project's open transaction never holds back
// another project's reads. Records of kafkaform versions before topic IDs (`topic/<name>`) are not ownership.


export type { StateMessage };
export { STATE_PARTITIONS, statePartition };

/** "This project created the topic with this ID": written after a create certainly made it, tombstoned on delete. */
export interface OwnershipRecord {
  kind: 'topic';
  project: string;
  topic: string;
  /** Kafka's topic ID at creation; a topic re-created under the same name has another and is not owned. */
  topicId: string;
  /** ISO time of the record. */
  at: string;
}

/** What the state topic says: ownership records and seeded entries (every project's). */
export interface ClusterState {
  /** Topic name → project, from ownership records as written (not yet checked against the live topic IDs). */
  owners: Record<string, string>;
  /** Every ownership record, sorted by topic then time. */
  ownerships: OwnershipRecord[];
  /** Sorted by project, topic, entryId. */
  seeds: SeedRecord[];
  /** ACL and user records (every project's); absent when none was read. */
  access?: AccessState;
}

/** The state-topic key of an ownership record: the topic ID, so records of different topics never collide. */
export function ownershipKey(topicId: string): string {
  return `owner/${topicId}`;
}

/** The state-topic key of a seed ledger record; entry ids may contain '/', which is fine as the key is never parsed. */
export function seedKey(project: string, topic: string, entryId: string): string {
  return `seed/${project}/${topic}/${entryId}`;
}

/** An ownership record for `project` owning the topic with `topicId`, stamped now unless `at` is given. */
export function ownershipRecord(project: string, topic: string, topicId: string, at: Date = new Date()): OwnershipRecord {
  return { kind: 'topic', project, topic, topicId, at: at.toISOString() };
}

/** The state-topic message recording an ownership. */
export function ownershipMessage(rec: OwnershipRecord): StateMessage & { value: string } {
  return {
    key: ownershipKey(rec.topicId),
    value: JSON.stringify({ kind: 'topic', project: rec.project, topic: rec.topic, topicId: rec.topicId, at: rec.at }),
  };
}

/** The tombstone that forgets the ownership of one topic (by ID) after its delete. */
export function ownershipTombstone(topicId: string): StateMessage {
  return { key: ownershipKey(topicId), value: null };
}


/** Topic name → owning project for the live topics whose current ID is the one an ownership record holds. */
export function liveOwners(state: ClusterState, ids: Map<string, string>): Record<string, string> {
  const byId = new Map(state.ownerships.map((o) => [o.topicId, o]));
  const out: Record<string, string> = {};
  for (const [name, id] of [...ids].sort(([a], [b]) => cmp(a, b))) {
    const rec = byId.get(id);
    if (rec && rec.topic === name) out[name] = rec.project;
  }
  return out;
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

/**
 * Folds state-topic records (in log order per partition) into owners and seeds, as compaction would: last per
 * key and partition wins. One topic ID recorded in two projects' partitions (a takeover): the newest `at` wins.
 */
export function parseState(records: Iterable<{ key: Buffer | string | null; value: Buffer | string | null; partition?: number }>): ClusterState {
  const latest = new Map<string, unknown>();
  for (const r of records) {
    if (r.key === null) continue;
    const key = `${r.partition ?? 0}\u0000${r.key.toString()}`;
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
  const byId = new Map<string, OwnershipRecord>();
  const seeds: SeedRecord[] = [];
  const access: AccessState = { aclOwners: {}, users: {} };
  for (const [partitionKey, v] of latest) {
    if (!v || typeof v !== 'object') continue;
    const key = partitionKey.slice(partitionKey.indexOf('\u0000') + 1);
    const o = v as Record<string, unknown>;
    if (foldAccessRecord(key, o, access)) continue;
    if (
      o.kind === 'topic' &&
      typeof o.project === 'string' &&
      typeof o.topic === 'string' &&
      typeof o.topicId === 'string' &&
      key === ownershipKey(o.topicId)
    ) {
      const rec: OwnershipRecord = { kind: 'topic', project: o.project, topic: o.topic, topicId: o.topicId, at: typeof o.at === 'string' ? o.at : '' };
      const before = byId.get(rec.topicId);
      if (!before || cmp(before.at, rec.at) < 0) byId.set(rec.topicId, rec);
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
  const ownerships = [...byId.values()];
  ownerships.sort((a, b) => cmp(a.topic, b.topic) || cmp(a.at, b.at));
  // Several records for one name (a topic deleted by hand and created again): the newest speaks for the name.
  const owners: Record<string, string> = {};
  for (const o of ownerships) owners[o.topic] = o.project;
  const anyAccess = Object.keys(access.aclOwners).length > 0 || Object.keys(access.users).length > 0;
  return { owners: sortKeys(owners), ownerships, seeds, ...(anyAccess ? { access } : {}) };
}

/** How readState waits for open transactions on a partition it must read in full. */
export interface ReadStateOptions {
  /** This project's partition is read to its very end: an open transaction there is waited for. */
  project?: string;
  /** Bound on that wait (default STATE_SETTLE_TIMEOUT_MS). */
  settleTimeoutMs?: number;
  onProgress?: (msg: string) => void;
  /**
   * Aborts this project's own unfinished seed transactions (apply only, see src/seed/fence.ts); called once
   * when the project's partition has an open transaction, before waiting for it.
   */
  fence?: () => Promise<void>;
}

/**
 * Longest wait for an open transaction on a project's state partition: a crashed seed transaction is
 * aborted by the broker after its transaction timeout (120 s), so waiting a little longer always ends it.
 */
export const STATE_SETTLE_TIMEOUT_MS = 130_000;

/**
 * Reads the whole state topic (committed records only); a missing topic means no state yet, not an error.
 * A ledger read that stops short of a partition's end (an open transaction holds the last stable offset
 * back) could miss records, so the project's partition (every partition when no project is given) is first
 * waited for until the records present at the start are decided; past the bound, STATE_UNSETTLED is thrown.
 * Other projects' partitions are read up to their last stable offset: they only name other owners.
 */
export async function readState(conn: KafkaConnection, opts: ReadStateOptions = {}): Promise<ClusterState> {
  try {
    const ends = await partitionEnds(conn, STATE_TOPIC);
    const strict = opts.project === undefined ? ends : ends.filter((e) => e.partition === statePartition(opts.project!, ends.length));
    await settle(conn, strict, opts);
    return parseState(await readAll(conn, STATE_TOPIC));
  } catch (err) {
    if (err instanceof KafkaformError && err.code === ErrorCodes.TOPIC_NOT_FOUND) return { owners: {}, ownerships: [], seeds: [] };
    throw err instanceof KafkaformError ? err : requestFailed('read state topic', STATE_TOPIC, err);
  }
}

/** What a connection has read of a project's state partition so far: records below `position`, in log order. */
interface LedgerCursor {
  partition: number;
  position: bigint;
  records: { key: Buffer | null; value: Buffer | null }[];
}

/** A connection's ledger cursors by project (one map per connection: `conn.use(ledgerCursors)`). */
function ledgerCursors(): Map<string, LedgerCursor> {
  return new Map();
}

/**
 * The project's seed ledger, read to its settled end (as readState waits for open transactions), but only
 * its own state partition and only from where the last call on this connection stopped: the seed executor
 * asks before every entry, and rereading the whole topic each time would grow with the ledger.
 */
export async function readProjectLedger(conn: KafkaConnection, project: string, opts: ReadStateOptions = {}): Promise<SeedRecord[]> {
  const ends = await partitionEnds(conn, STATE_TOPIC);
  const partition = statePartition(project, ends.length);
  const mine = ends.filter((e) => e.partition === partition);
  await settle(conn, mine, opts);
  const byProject = conn.use(ledgerCursors);
  let cursor = byProject.get(project);
  if (!cursor || cursor.partition !== partition) byProject.set(project, (cursor = { partition, position: 0n, records: [] }));
  // Everything below the high watermark seen first is decided now (settle); nothing new: nothing to read.
  const to = mine[0]?.highWatermark ?? 0n;
  const from = String(cursor.position);
  for await (const m of cursor.position >= to ? [] : readTopic(conn, { topic: STATE_TOPIC, partitions: [partition], from, to: String(to) })) {
    cursor.records.push({ key: m.key, value: m.value });
    cursor.position = BigInt(m.offset) + 1n;
  }
  return parseState(cursor.records).seeds.filter((r) => r.project === project);
}

/**
 * Waits until each partition's last stable offset reaches the high watermark it had at the start. With a
 * fence, the project's own stuck transactions are aborted first, so only someone else's can make it wait.
 */
async function settle(conn: KafkaConnection, ends: PartitionEnds[], opts: ReadStateOptions): Promise<void> {
  let open = ends.filter((e) => e.lastStable < e.highWatermark);
  if (open.length === 0) return;
  const targets = new Map(open.map((e) => [e.partition, e.highWatermark]));
  const stillOpen = async (): Promise<PartitionEnds[]> => {
    const now = await partitionEnds(conn, STATE_TOPIC, open.map((e) => e.partition));
    return open.filter((e) => (now.find((n) => n.partition === e.partition)?.lastStable ?? 0n) < (targets.get(e.partition) ?? 0n));
  };
  let cause = 'another apply is producing seeds, or crashed and its transaction has not timed out yet';
  if (opts.fence) {
    opts.onProgress?.(
      `${STATE_TOPIC} partition ${open.map((e) => e.partition).join(', ')} has an open transaction: aborting this project's unfinished seed transactions (an earlier apply may have stopped mid-seed)`,
    );
    try {
      await opts.fence();
      cause = `not one of project ${opts.project ?? '?'}'s seed transactions: another project sharing this state partition is producing seeds, or crashed and its transaction has not timed out yet`;
    } catch (err) {
      // Not fatal: the transaction still ends by itself (the broker's timeout), so fall back to waiting for it.
      opts.onProgress?.(`could not abort this project's seed transactions: ${err instanceof Error ? err.message : String(err)}`);
    }
    open = await stillOpen();
    if (open.length === 0) return;
  }
  const timeoutMs = opts.settleTimeoutMs ?? STATE_SETTLE_TIMEOUT_MS;
  const started = Date.now();
  let said = 0;
  while (open.length > 0) {
    const waited = Date.now() - started;
    if (waited >= timeoutMs) {
      throw new KafkaformError(
        ErrorCodes.STATE_UNSETTLED,
        `the state topic ${STATE_TOPIC} has an open transaction on partition ${open.map((e) => e.partition).join(', ')} that did not end within ${Math.round(timeoutMs / 1000)} s; reading past it could miss seed or ownership records`,
        {
          hint: 'another apply is still producing seeds (or crashed with a transaction open); run apply again once it has finished or its transaction timed out',
          details: { partitions: open.map((e) => e.partition) },
        },
      );
    }
    if (waited >= said) {
      opts.onProgress?.(
        `waiting for an open transaction on ${STATE_TOPIC} partition ${open.map((e) => e.partition).join(', ')} (${cause}); ${Math.round(waited / 1000)} s of at most ${Math.round(timeoutMs / 1000)} s`,
      );
      said = waited + 5000;
    }
    await sleep(Math.min(250, timeoutMs - waited));
    open = await stillOpen();
  }
}

/** Records that the state topic is known to exist (seen by the observer), so ensureStateTopic costs nothing. */
export function noteStateTopicExists(conn: KafkaConnection, partitions?: number): void {
  conn.use(stateTopicWriter).noteExists(partitions);
}

/** Creates the state topic when missing and waits for its leader; once per connection (see StateTopicWriter.ensure). */
export function ensureStateTopic(conn: KafkaConnection, opts: { timeoutMs?: number } = {}): Promise<void> {
  return conn.use(stateTopicWriter).ensure(opts);
}

/** Writes a project's state records to its state partition in one produce request; ensures the topic first. */
export function writeState(conn: KafkaConnection, project: string, messages: StateMessage[]): Promise<void> {
  return conn.use(stateTopicWriter).write(project, messages);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => cmp(a, b)));
}
