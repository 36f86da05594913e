import type { ObservedCluster, ObservedPartition } from './observed.js';

/**
 * Replicas per broker across the whole cluster. The planner threads one instance through every
 * reassignment it plans (topics in name order), so later topics see earlier choices and the
 * result stays balanced and deterministic.
 */
export interface BrokerLoad {
  /** Replicas per broker. */
  replicas: Map<number, number>;
  /** Preferred leaders (first replicas) per broker. */
  leaders: Map<number, number>;
}

/** An empty load, for a cluster that does not exist yet. */
export function emptyLoad(): BrokerLoad {
  return { replicas: new Map(), leaders: new Map() };
}

/** Counts every replica of every topic (internal ones too: they use disk and leadership like any other). */
export function clusterLoad(cluster: ObservedCluster): BrokerLoad {
  const load = emptyLoad();
  for (const b of cluster.brokers) {
    load.replicas.set(b.nodeId, 0);
    load.leaders.set(b.nodeId, 0);
  }
  for (const topic of cluster.topics) {
    for (const p of topic.partitions) {
      for (const r of p.replicas) bump(load.replicas, r, 1);
      if (p.replicas[0] !== undefined) bump(load.leaders, p.replicas[0], 1);
    }
  }
  return load;
}

/** One partition's target replicas, preferred leader first (the shape AlterPartitionReassignments takes). */
export interface Assignment {
  partition: number;
  replicas: number[];
}

/** Input of assignReplicas: the current partitions, partitions about to be added, the target RF and the brokers. */
export interface AssignInput {
  /** Current partitions (any order; the result is by partition number). */
  partitions: ObservedPartition[];
  /** Numbers of partitions the same plan adds first; they are placed from scratch. */
  added: number[];
  /** Replication factor every partition must end with; at most brokers.length. */
  target: number;
  /** Node ids of the cluster's brokers. */
  brokers: number[];
  /** Updated in place with the replicas this assignment adds and drops. */
  load: BrokerLoad;
}

/**
 * Target replicas for every partition so each has exactly `target` replicas.
 * Growing keeps the current replicas in order (the preferred leader does not move) and adds the
 * least-loaded brokers, ties to the lowest node id. Shrinking keeps the leader first, then replicas
 * in the ISR (they hold the data), then the rest, so no in-sync copy is dropped while an out-of-sync one stays.
 */
export function assignReplicas(input: AssignInput): Assignment[] {
  const { target, load } = input;
  const brokers = [...input.brokers].sort((a, b) => a - b);
  const current = [...input.partitions].sort((a, b) => a.partition - b.partition);
  const out: Assignment[] = [];
  for (const p of current) {
    const replicas = reshape(p, target, brokers, load);
    if (replicas[0] !== p.replicas[0]) {
      if (p.replicas[0] !== undefined) bump(load.leaders, p.replicas[0], -1);
      if (replicas[0] !== undefined) bump(load.leaders, replicas[0], 1);
    }
    out.push({ partition: p.partition, replicas });
  }
  for (const partition of [...input.added].sort((a, b) => a - b)) {
    out.push({ partition, replicas: place(target, brokers, load) });
  }
  return out;
}

/**
 * Replicas of a partition the plan adds: the leader is the broker leading the fewest partitions
 * (then fewest replicas, then lowest id), so new partitions do not all lead on one broker.
 */
function place(target: number, brokers: number[], load: BrokerLoad): number[] {
  let leader: number | null = null;
  for (const b of brokers) {
    if (leader === null) leader = b;
    else {
      const dl = (load.leaders.get(b) ?? 0) - (load.leaders.get(leader) ?? 0);
      const dr = (load.replicas.get(b) ?? 0) - (load.replicas.get(leader) ?? 0);
      if (dl < 0 || (dl === 0 && dr < 0)) leader = b;
    }
  }
  if (leader === null || target < 1) return [];
  bump(load.replicas, leader, 1);
  bump(load.leaders, leader, 1);
  return grow([leader], target, brokers, load);
}

/** Adds delta to a broker's count. */
function bump(counts: Map<number, number>, broker: number, delta: number): void {
  counts.set(broker, (counts.get(broker) ?? 0) + delta);
}

/** The replicas of one existing partition at the target size. */
function reshape(p: ObservedPartition, target: number, brokers: number[], load: BrokerLoad): number[] {
  if (p.replicas.length < target) return grow(p.replicas, target, brokers, load);
  if (p.replicas.length > target) return shrink(p, target, load);
  return [...p.replicas];
}

/** Appends the least-loaded brokers not yet holding a replica until there are `target` replicas. */
function grow(replicas: number[], target: number, brokers: number[], load: BrokerLoad): number[] {
  const out = [...replicas];
  while (out.length < target) {
    let best: number | null = null;
    for (const b of brokers) {
      if (out.includes(b)) continue;
      // brokers is sorted, so a strict "<" keeps the lowest node id on ties.
      if (best === null || (load.replicas.get(b) ?? 0) < (load.replicas.get(best) ?? 0)) best = b;
    }
    if (best === null) break; // fewer brokers than target: the planner reports that before calling here.
    out.push(best);
    bump(load.replicas, best, 1);
  }
  return out;
}

/** Keeps the leader, then in-sync replicas, then the rest, in replica order, down to `target`. */
function shrink(p: ObservedPartition, target: number, load: BrokerLoad): number[] {
  const first = p.replicas.includes(p.leader) ? p.leader : p.replicas[0];
  const rest = p.replicas.filter((r) => r !== first);
  const ranked = [...rest.filter((r) => p.isr.includes(r)), ...rest.filter((r) => !p.isr.includes(r))];
  const kept = first === undefined ? ranked.slice(0, target) : [first, ...ranked.slice(0, target - 1)];
  for (const r of p.replicas) {
    if (!kept.includes(r)) bump(load.replicas, r, -1);
  }
  return kept;
}
