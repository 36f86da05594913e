import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { KafkaNodeContainers } from '../kafka/readiness.js';
import { kafkaNodeName, LABELS } from '../plan/desired-containers.js';
import type { Spec } from '../spec/types.js';
import { containerFailed, dockerError, statusOf } from './client.js';

const POLL_MS = 500;

/** The Docker side of the Kafka readiness wait: the spec's declared node containers (none when it declares no Kafka). */
export function kafkaNodeContainers(docker: Docker, spec: Spec): KafkaNodeContainers {
  const kafka = spec.containers?.kafka;
  const names = kafka ? Array.from({ length: kafka.nodes }, (_, i) => kafkaNodeName(spec.project, i + 1)) : [];
  return {
    names,
    assertRunning: () => assertNodesRunning(docker, spec, names),
    failed: (name, what, details) => containerFailed(docker, name, what, details),
  };
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

