import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { createDockerClient } from '../../docker/client.js';
import { kafkaNodeContainers } from '../../docker/container-readiness.js';
import { waitClusterReady } from '../../kafka/readiness.js';
import { containerStatus, outputBootstrap } from '../../docker/status.js';
import { ErrorCodes, KafkaformError } from '../../errors.js';
import { loadSpec } from '../../spec/load.js';
import type { Spec } from '../../spec/types.js';
import type { GlobalOptions } from '../global-options.js';

/** Flags of `kafkaform wait`. */
export interface WaitFlags {
  timeoutMs: number;
}

/** How often wait looks for containers that another step has not created yet. */
const ABSENT_POLL_MS = 500;

/**
 * `kafkaform wait`: blocks until the declared cluster is ready (the readiness check apply uses: every node
 * answers and lists all nodes). Containers not created yet are waited for, since another pipeline step may be
 * creating them; one that exits fails at once with its last log lines. Prints the bootstrap servers.
 */
export async function runWait(g: GlobalOptions, f: WaitFlags): Promise<number> {
  const spec = await loadSpec(g.file, g.env, { environment: g.environment });
  const deadline = Date.now() + f.timeoutMs;
  const docker = createDockerClient();
  if (spec.containers?.kafka) await waitCreated(docker, spec, deadline, f.timeoutMs);
  const bootstrap = await outputBootstrap(spec.containers ? docker : null, spec);
  if (bootstrap.length === 0) {
    throw new KafkaformError(ErrorCodes.USAGE, 'the spec names no cluster to wait for', { hint: 'declare containers.kafka or cluster.bootstrapServers' });
  }
  await waitClusterReady(spec, {
    bootstrapServers: bootstrap,
    nodes: spec.containers?.kafka?.nodes ?? 1,
    timeoutMs: Math.max(0, deadline - Date.now()),
    onProgress: (m) => process.stderr.write(`${m}\n`),
    containers: kafkaNodeContainers(docker, spec),
  });
  process.stdout.write(`${bootstrap.join(',')}\n`);
  return 0;
}

/** Waits until every declared Kafka node's container exists; CLUSTER_NOT_READY at the deadline. */
async function waitCreated(docker: Docker, spec: Spec, deadline: number, timeoutMs: number): Promise<void> {
  let reported = false;
  for (;;) {
    const absent = (await containerStatus(docker, spec)).filter((r) => r.role === 'kafka' && r.declared && r.state === 'absent').map((r) => r.name);
    if (absent.length === 0) return;
    if (Date.now() >= deadline) {
      throw new KafkaformError(ErrorCodes.CLUSTER_NOT_READY, `the Kafka containers ${absent.join(', ')} were not created within ${Math.round(timeoutMs / 1000)} s`, {
        hint: 'run `kafkaform apply --auto-approve` (in this step or an earlier one) to create them',
        details: { containers: absent },
      });
    }
    if (!reported) process.stderr.write(`waiting for ${absent.join(', ')} to be created\n`);
    reported = true;
    await sleep(ABSENT_POLL_MS);
  }
}

