import type Docker from 'dockerode';
import { createDockerClient } from '../docker/client.js';
import { kafkaNodeName } from '../plan/desired-containers.js';
import { ErrorCodes, KafkaformError } from '../errors.js';
import { observeCluster, type ObserveScope } from '../kafka/observe-cluster.js';
import { stakeTopics } from '../plan/lint.js';
import { planContainers } from '../plan/containers.js';
import type { PlanOptions } from '../plan/desired.js';
import type { Observed, ObservedCluster, ObservedDocker } from '../plan/observed.js';
import { isCatalogued } from '../spec/topic-configs.js';
import type { Spec } from '../spec/types.js';
import type { LazyKafkaConnection } from '../kafka/lazy-connection.js';

/** What observe needs besides the spec. */
export interface ObserveDeps {
  /** The Kafka connection holder of this run; observe tells it the Docker engine (derived bootstrap addresses). */
  link: LazyKafkaConnection;
  /** A Docker client, or a factory called only when the spec declares containers; the environment's engine otherwise. */
  docker?: Docker | (() => Docker);
  /** The run's plan options; they decide which container actions would be planned (default: none set). */
  options?: PlanOptions;
  /** What to observe in full; default: the spec's declared and owned topics (observeScope). */
  scope?: ObserveScope;
  /** Progress lines (e.g. waiting for another run's open transaction on the state topic). */
  onProgress?: (message: string) => void;
  /**
   * Set by apply (never by plan): when the project's state partition has an open transaction, the project's
   * own seed transactions are fenced before the ledger read, so a crashed earlier apply does not hold it back.
   */
  fenceSeeds?: boolean;
}

/** The plan options that change nothing. */
const NO_OPTIONS: PlanOptions = { allowDelete: false, reseed: false, destroy: false, removeVolumes: false };

/** The Docker client of a run, made once. */
export function dockerOf(deps: ObserveDeps): Docker {
  if (deps.docker === undefined) deps.docker = createDockerClient();
  if (typeof deps.docker === 'function') deps.docker = deps.docker();
  return deps.docker;
}

/**
 * Observes Docker (only when the spec declares containers) and the cluster. A declared Kafka node that is
 * stopped, missing or paused is a container fact first: the cluster is then not asked at all (cluster null,
 * so the planner plans the node's start and marks topic steps provisional; apply plans them again once the
 * cluster is whole). Destroy never needs the cluster. When the cluster fails to answer while the planner would
 * (re)start Kafka nodes, the cluster is null too; when it fails and nothing would start it, the error is thrown.
 */
export async function observe(spec: Spec, deps: ObserveDeps): Promise<Observed> {
  // Modules for containers, seeds and usage load only when the spec (or the plan) needs them.
  const docker = spec.containers ? await (await import('../docker/observe-containers.js')).observeDocker(dockerOf(deps), spec) : null;
  await deps.link.setEngine(docker?.engine ?? null);
  const options = deps.options ?? NO_OPTIONS;
  // Destroy removes containers: what the cluster holds changes nothing, and a broken cluster must not block it.
  if (docker !== null && options.destroy) return { cluster: null, docker };

  const startsCluster = docker !== null && kafkaContainersPlanned(spec, docker, options);
  if (startsCluster && !allKafkaNodesRunning(spec, docker)) return { cluster: null, docker };

  let cluster: ObservedCluster | null;
  try {
    const conn = deps.link.connection();
    const seedTopics = spec.seeds.map((s) => s.topic);
    const fence =
      deps.fenceSeeds && seedTopics.length > 0 ? async () => (await import('../seed/fence.js')).fenceSeedTransactions(conn, spec.project, seedTopics) : undefined;
    cluster = await observeCluster(conn, { ...(deps.scope ?? observeScope(spec)), onProgress: deps.onProgress, fence });
  } catch (err) {
    if (!(err instanceof KafkaformError) || !CLUSTER_FAILURES.has(err.code)) throw err;
    // The connection failed: drop it, so the connection after the containers start is a fresh one.
    await deps.link.reconnect();
    if (startsCluster) return { cluster: null, docker };
    if (err.code !== ErrorCodes.CLUSTER_UNREACHABLE) throw err;
    throw explainUnreachable(err, spec, docker);
  }
  await measureStakes(spec, cluster, deps.link);
  return { cluster, docker };
}

/** The safety lint weighs what lowered retention or a reassignment would touch: usage measured only for those topics. */
export async function measureStakes(spec: Spec, cluster: ObservedCluster, link: LazyKafkaConnection): Promise<void> {
  const stakes = stakeTopics(spec, cluster);
  if (stakes.length > 0) {
    const { observeUsage } = await import('../kafka/usage.js');
    cluster.usage = await observeUsage(link.connection(), cluster, stakes);
    cluster.observedAtMs = Date.now();
  }
}

/** What the Kafka observer looks at in full: the declared topics, the project's own, and the broker's config names when the spec uses keys the catalogue lacks. */
export function observeScope(spec: Spec): ObserveScope {
  const configNames = spec.topics.some((t) => Object.keys(t.config).some((k) => !isCatalogued(k)));
  const access = { acls: (spec.acls?.length ?? 0) > 0, users: (spec.users?.length ?? 0) > 0 };
  return { topics: spec.topics.map((t) => t.name), project: spec.project, configNames, ...access };
}

/** True when the planner would create, start or recreate a Kafka node (the cluster is missing or down). */
export function kafkaContainersPlanned(spec: Spec, docker: ObservedDocker, options: PlanOptions): boolean {
  if (!spec.containers?.kafka) return false;
  const { actions } = planContainers({ spec, seeds: [] }, { cluster: null, docker }, { ...options, destroy: false });
  return actions.some((a) => a.kind === 'cluster.wait' || ('role' in a && a.role === 'kafka'));
}

/** Errors of a cluster that is there but does not (fully) answer: unreachable, a failed or a stalled request. */
// A refusal of the credentials (KF204, KF205) counts too: nodes about to be recreated with new ones (a security
// change) are planned, not blocked.
const CLUSTER_FAILURES = new Set<string>([
  ErrorCodes.CLUSTER_UNREACHABLE,
  ErrorCodes.KAFKA_REQUEST_FAILED,
  ErrorCodes.KAFKA_TIMEOUT,
  ErrorCodes.CLUSTER_AUTH_FAILED,
  ErrorCodes.CLUSTER_TLS_FAILED,
]);

/**
 * True when every declared Kafka node's container is running, so the cluster can answer in full (a config
 * change recreates running nodes one by one, and its plan still shows the live topics).
 */
function allKafkaNodesRunning(spec: Spec, docker: ObservedDocker): boolean {
  const nodes = spec.containers?.kafka?.nodes ?? 0;
  const state = new Map(docker.containers.map((c) => [c.name, c.state]));
  return Array.from({ length: nodes }, (_, i) => kafkaNodeName(spec.project, i + 1)).every((name) => state.get(name) === 'running');
}

/** CLUSTER_UNREACHABLE with a hint that fits the spec: its own containers are running, or it targets a cluster elsewhere. */
function explainUnreachable(err: KafkaformError, spec: Spec, docker: ObservedDocker | null): KafkaformError {
  if (!spec.containers?.kafka || !docker) return err;
  return new KafkaformError(err.code, err.message, {
    hint: `the Kafka containers are running but the broker does not answer yet; wait a moment, or see \`docker logs ${kafkaNodeName(spec.project, 1)}\``,
    details: err.details,
    cause: err.cause,
  });
}
