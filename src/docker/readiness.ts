import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { ErrorCodes, KafkaformError } from '../errors.js';
import { createKafkaConnection } from '../kafka/client.js';
import type { Spec } from '../spec/types.js';
import { containerFailed, dockerError, statusOf } from './client.js';
import { kafkaNodeName, LABELS } from './desired.js';

/** Default bound on waiting for a cluster or a container to become ready. */
export const DEFAULT_READY_TIMEOUT_MS = 90_000;

const POLL_MS = 500;

/** What waitClusterReady waits for. */
export interface ClusterWait {
  bootstrapServers: string[];
  nodes: number;
  timeoutMs: number;
  onProgress: (message: string) => void;
}

/**
 * Waits until a client bootstrapped from each address alone connects (its first metadata request goes to that
 * address) and describeCluster lists all `nodes` nodes (ids 1..nodes when the spec declares the nodes).
 * Asking through each node, not just any, matters after a restart: the others may still list a node the
 * controller has not fenced yet while it is not serving.
 * A declared node container that is missing or exited fails at once with its logs (CONTAINER_FAILED).
 */
export async function waitClusterReady(docker: Docker, spec: Spec, wait: ClusterWait): Promise<void> {
  const declared = spec.containers?.kafka ? Array.from({ length: spec.containers.kafka.nodes }, (_, i) => kafkaNodeName(spec.project, i + 1)) : [];
  const expectIds = declared.length > 0 ? declared.map((_, i) => i + 1) : null;
  const deadline = Date.now() + wait.timeoutMs;
  let last = 'no answer yet';
  let reported = '';
  for (;;) {
    await assertNodesRunning(docker, spec, declared);
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
      if (laggard) throw await containerFailed(docker, laggard, `(Kafka node) ${what}`, { bootstrapServers: wait.bootstrapServers });
      throw new KafkaformError(ErrorCodes.CLUSTER_NOT_READY, `the Kafka cluster at ${wait.bootstrapServers.join(', ')} ${what}`, {
        details: { bootstrapServers: wait.bootstrapServers },
      });
    }
    await sleep(POLL_MS);
  }
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

/** Fails with the node's logs when a declared Kafka container is missing or not running. One list call. */
async function assertNodesRunning(docker: Docker, spec: Spec, names: string[]): Promise<void> {
  if (names.length === 0) return;
  let list: Docker.ContainerInfo[];
  try {
    list = await docker.listContainers({ all: true, filters: { label: [`${LABELS.project}=${spec.project}`, `${LABELS.role}=kafka`] } });
  } catch (err) {
    throw dockerError(docker, err, 'list the Kafka containers');
  }
  for (const name of names) {
    const c = list.find((x) => x.Names.some((n) => n.replace(/^\//, '') === name));
    if (!c) throw new KafkaformError(ErrorCodes.CONTAINER_FAILED, `container ${name} does not exist`, { details: { container: name } });
    if (c.State !== 'running' && c.State !== 'restarting') throw await containerFailed(docker, name, `stopped while starting Kafka (${c.Status})`);
  }
}

/**
 * Waits until a container is usable by its dependants: healthy when it has a health check, else running.
 * Exiting or turning unhealthy fails at once with its logs.
 */
export async function waitContainerReady(docker: Docker, name: string, timeoutMs: number, onProgress: (message: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reported = '';
  for (;;) {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await docker.getContainer(name).inspect();
    } catch (err) {
      if (statusOf(err) === 404) {
        throw new KafkaformError(ErrorCodes.CONTAINER_FAILED, `container ${name} does not exist`, { details: { container: name } });
      }
      throw dockerError(docker, err, `inspect container ${name}`);
    }
    const s = info.State;
    if (s.Status === 'exited' || s.Status === 'dead') throw await containerFailed(docker, name, `exited with code ${s.ExitCode}`, { exitCode: s.ExitCode });
    const health = s.Health?.Status;
    if (health === 'unhealthy') throw await containerFailed(docker, name, 'is unhealthy');
    if (s.Running && (health === undefined || health === 'healthy')) return;
    const status = `waiting for ${name}: ${health ?? s.Status}`;
    if (status !== reported) {
      onProgress(status);
      reported = status;
    }
    if (Date.now() >= deadline) throw await containerFailed(docker, name, `was not ready within ${Math.round(timeoutMs / 1000)} s (${health ?? s.Status})`);
    await sleep(POLL_MS);
  }
}

