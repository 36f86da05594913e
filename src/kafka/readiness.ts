import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { ClusterWaitAction } from '../plan/types.js';
import type { Spec } from '../spec/types.js';
import { createKafkaConnection } from './client.js';

// Kafka readiness: a cluster is ready when each bootstrap address answers and lists every node. The containers
// behind it (when kafkaform runs them) are the Docker edge's business, passed in as KafkaNodeContainers.

/** Default bound on waiting for a cluster or a container to become ready. */
export const DEFAULT_READY_TIMEOUT_MS = 90_000;

const POLL_MS = 500;

/** What waitClusterReady waits for. */
export interface ClusterWait {
  bootstrapServers: string[];
  nodes: number;
  timeoutMs: number;
  onProgress: (message: string) => void;
  /** The cluster's node containers when kafkaform runs them: checked on every poll, blamed at the deadline. */
  containers?: KafkaNodeContainers;
}

/** The containers of a cluster's nodes, as the readiness wait needs them (implemented by the Docker edge). */
export interface KafkaNodeContainers {
  /** Declared node container names in node order (node i+1 at index i); empty when the spec declares no Kafka. */
  names: string[];
  /** Throws CONTAINER_FAILED (with the node's logs) when a declared node container is missing or stopped. */
  assertRunning: () => Promise<void>;
  /** The error for a node container that did not become ready, carrying its logs. */
  failed: (name: string, what: string, details: Record<string, unknown>) => Promise<KafkaformError>;
}

/**
 * Waits until a client bootstrapped from each address alone connects (its first metadata request goes to that
 * address) and describeCluster lists all `nodes` nodes (ids 1..nodes when the spec declares the nodes).
 * Asking through each node, not just any, matters after a restart: the others may still list a node the
 * controller has not fenced yet while it is not serving.
 * A declared node container (wait.containers) that is missing or exited fails at once with its logs (CONTAINER_FAILED).
 */
export async function waitClusterReady(spec: Spec, wait: ClusterWait): Promise<void> {
  const declared = wait.containers?.names ?? [];
  const expectIds = declared.length > 0 ? declared.map((_, i) => i + 1) : null;
  const deadline = Date.now() + wait.timeoutMs;
  let last = 'no answer yet';
  let reported = '';
  for (;;) {
    await wait.containers?.assertRunning();
    const asked = await Promise.all(wait.bootstrapServers.map((addr) => askNode(spec, addr)));
    // A node that answers and refuses the credentials will not change its mind by waiting.
    const refusal = asked.find((a): a is KafkaformError => a instanceof KafkaformError);
    if (refusal) throw refusal;
    const answers = asked as (number[] | string)[];
    const seen = answers.map((a) => (typeof a === 'string' ? null : a));
    const ready = seen.every((ids) => ids !== null && (expectIds ? expectIds.every((id) => ids.includes(id)) : ids.length >= wait.nodes));
    if (ready) {
      wait.onProgress(`Kafka cluster ready: ${wait.nodes}/${wait.nodes} nodes`);
      return;
    }
    const most = Math.max(0, ...seen.map((ids) => ids?.length ?? 0));
    const failure = answers.find((a): a is string => typeof a === 'string');
    last = failure ?? `${most}/${wait.nodes} nodes listed`;
    const status = most === 0 ? 'waiting for Kafka: not answering yet' : `waiting for Kafka: ${most}/${wait.nodes} nodes up`;
    if (status !== reported) {
      wait.onProgress(status);
      reported = status;
    }
    if (Date.now() >= deadline) {
      const laggard = declared[answers.findIndex((a) => typeof a === 'string' || (expectIds !== null && !expectIds.every((id) => a.includes(id))))] ?? declared[0];
      const what = `did not become ready within ${Math.round(wait.timeoutMs / 1000)} s (last: ${last})`;
      if (laggard && wait.containers) throw await wait.containers.failed(laggard, `(Kafka node) ${what}`, { bootstrapServers: wait.bootstrapServers });
      throw new KafkaformError(ErrorCodes.CLUSTER_NOT_READY, `the Kafka cluster at ${wait.bootstrapServers.join(', ')} ${what}`, {
        details: { bootstrapServers: wait.bootstrapServers },
      });
    }
    await sleep(POLL_MS);
  }
}

/** What the cluster.wait executor needs: the spec, the node containers when kafkaform runs them, and a bound. */
export interface ClusterWaitContext {
  spec: Spec;
  containers?: KafkaNodeContainers;
  /** Bound on the wait; default DEFAULT_READY_TIMEOUT_MS. */
  readyTimeoutMs?: number;
  onProgress?: (message: string) => void;
}

/** Executes cluster.wait: a Kafka action (the cluster answers), whatever started the nodes; safe to repeat. */
export async function executeClusterWait(action: ClusterWaitAction, ctx: ClusterWaitContext): Promise<void> {
  await waitClusterReady(ctx.spec, {
    bootstrapServers: action.bootstrapServers,
    nodes: action.nodes,
    timeoutMs: ctx.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    onProgress: ctx.onProgress ?? (() => undefined),
    ...(ctx.containers ? { containers: ctx.containers } : {}),
  });
}

/** Node ids one broker lists (it answered metadata), why it did not answer, or its refusal of our credentials. */
async function askNode(spec: Spec, address: string): Promise<number[] | string | KafkaformError> {
  const conn = createKafkaConnection({
    bootstrapServers: [address],
    clientId: 'kafkaform-wait',
    connectionTimeoutMs: 3_000,
    requestTimeoutMs: 5_000,
    tls: spec.cluster.tls,
    sasl: spec.cluster.sasl,
  });
  try {
    const admin = await conn.admin();
    const described = await admin.describeCluster();
    await admin.fetchTopicMetadata({ topics: [] });
    return described.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } catch (err) {
    if (err instanceof KafkaformError && err.code === ErrorCodes.CLUSTER_AUTH_FAILED) return err;
    return `${address}: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await conn.close();
  }
}
