import type Docker from 'dockerode';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { ObservedEngine } from '../plan/observed.js';
import type {
  ContainerCreateAction,
  ContainerRecreateAction,
  ContainerRemoveAction,
  ContainerStartAction,
} from '../plan/types.js';
import type { Spec } from '../spec/types.js';
import { containerFailed, dockerError, statusOf } from './client.js';
import { bootstrapServers, desiredContainers, desiredNetwork, desiredVolumes, LABELS, type DesiredContainer } from '../plan/desired-containers.js';
import { DEFAULT_PULL_TIMEOUT_MS, ensureImage } from './images.js';
import type { MadeByRun } from './made.js';
import { assertPortsFree } from './ports.js';
import { ensureSecurityMaterial } from '../security/material.js';
import { kafkaNodeProperties, resolveNetwork } from '../plan/kafka-node-config.js';
import { IMAGE_UID, securityContainerFiles } from '../plan/kafka-security-config.js';
import { tarOf } from './tar.js';
import { DEFAULT_READY_TIMEOUT_MS, waitClusterReady } from '../kafka/readiness.js';
import { kafkaNodeContainers, waitContainerReady } from './container-readiness.js';
import { ensureNetwork, ensureVolumes, inspectContainer, removeIdleNetworks, removeVolumes, stopAndRemove } from './resources.js';

/** What container executors need: the engine, the spec the plan was made from, and where progress goes. */
export interface ContainerExecContext {
  docker: Docker;
  spec: Spec;
  /** The engine as observed when planning (decides `auto` networking exactly as the plan did). */
  engine: ObservedEngine;
  onProgress?: (message: string) => void;
  /** Bound on each readiness wait (cluster, healthy dependency); default 90 s. */
  readyTimeoutMs?: number;
  /** Bound on an image pull; default 300 s. */
  pullTimeoutMs?: number;
  /** Where the run records the containers, volumes and networks it creates (removed again if the run fails starting them). */
  made?: MadeByRun;
}

/** The actions these executors carry out (each executor is safe to repeat: it first looks at what exists). */
export type ContainerAction = ContainerCreateAction | ContainerStartAction | ContainerRecreateAction | ContainerRemoveAction;

/** Seconds Kafka gets for a controlled shutdown before a rolling restart replaces it. */
const KAFKA_STOP_SECONDS = 30;

function progress(ctx: ContainerExecContext): (message: string) => void {
  return ctx.onProgress ?? (() => undefined);
}

function desiredFor(ctx: ContainerExecContext, name: string): DesiredContainer {
  const d = desiredContainers(ctx.spec, ctx.engine).find((x) => x.name === name);
  if (!d) throw new KafkaformError(ErrorCodes.INTERNAL, `container ${name} is planned but not in the spec; this is a bug, please report it`);
  return d;
}

function assertOwned(ctx: ContainerExecContext, info: Docker.ContainerInspectInfo, name: string): void {
  if (info.Config.Labels?.[LABELS.project] !== ctx.spec.project) {
    throw new KafkaformError(ErrorCodes.CONTAINER_FAILED, `container ${name} exists and does not belong to project ${ctx.spec.project}; kafkaform leaves it alone`, {
      hint: `remove or rename it (docker rm -f ${name}), or change the project name`,
      details: { container: name },
    });
  }
}

/** Executes container.create; a container already there (ours) is started or replaced as its config says. */
export async function executeContainerCreate(action: ContainerCreateAction, ctx: ContainerExecContext): Promise<void> {
  const d = desiredFor(ctx, action.name);
  const existing = await inspectContainer(ctx.docker, d.name);
  if (existing) {
    assertOwned(ctx, existing, d.name);
    if (existing.Config.Labels?.[LABELS.configHash] === d.configHash) {
      if (existing.State.Status !== 'running') await startExisting(ctx, d);
      return;
    }
    await replace(ctx, d);
    return;
  }
  await createAndStart(ctx, d);
}

/** Executes container.start; a container gone meanwhile is created. */
export async function executeContainerStart(action: ContainerStartAction, ctx: ContainerExecContext): Promise<void> {
  const d = desiredFor(ctx, action.name);
  const existing = await inspectContainer(ctx.docker, d.name);
  if (!existing) return createAndStart(ctx, d);
  assertOwned(ctx, existing, d.name);
  if (existing.State.Status !== 'running') await startExisting(ctx, d);
}

/**
 * Replaces a container: the image is made present before the old one goes, so a missing image leaves it running.
 * A Kafka node then waits until the whole cluster is ready again, so the next node's restart never costs the quorum.
 */
export async function executeContainerRecreate(action: ContainerRecreateAction, ctx: ContainerExecContext): Promise<void> {
  const d = desiredFor(ctx, action.name);
  const existing = await inspectContainer(ctx.docker, d.name);
  if (existing) {
    assertOwned(ctx, existing, d.name);
    if (existing.Config.Labels?.[LABELS.configHash] === d.configHash && existing.State.Status === 'running') return;
  }
  await replace(ctx, d);
  if (d.role === 'kafka' && (await otherNodesRunning(ctx, d.name))) await waitCluster(ctx);
}

async function replace(ctx: ContainerExecContext, d: DesiredContainer): Promise<void> {
  await ensureImage(ctx.docker, d.image, progress(ctx), ctx.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS);
  progress(ctx)(`stopping ${d.name}`);
  await stopAndRemove(ctx.docker, d.name, d.role === 'kafka' ? KAFKA_STOP_SECONDS : 10);
  await createAndStart(ctx, d);
}

/** Executes container.remove, with the volumes it names; a container already gone is a no-op. */
export async function executeContainerRemove(action: ContainerRemoveAction, ctx: ContainerExecContext): Promise<void> {
  const existing = await inspectContainer(ctx.docker, action.name);
  if (existing) {
    assertOwned(ctx, existing, action.name);
    progress(ctx)(`removing ${action.name}`);
    // Kept data deserves a clean shutdown; data about to be deleted does not.
    const graceful = action.role === 'kafka' && action.volumes.length === 0 ? 5 : null;
    await stopAndRemove(ctx.docker, action.name, graceful);
  }
  if (action.volumes.length > 0) {
    progress(ctx)(`removing volume${action.volumes.length > 1 ? 's' : ''} ${action.volumes.join(', ')}`);
    await removeVolumes(ctx.docker, action.volumes);
  }
  await removeIdleNetworks(ctx.docker, ctx.spec.project);
}

/** Waits until the declared Kafka cluster is ready (a rolling restart's next node, or a dependency on Kafka). */
async function waitCluster(ctx: ContainerExecContext): Promise<void> {
  const kafka = ctx.spec.containers?.kafka;
  if (!kafka) return;
  await waitClusterReady(ctx.spec, {
    bootstrapServers: bootstrapServers(ctx.spec, ctx.engine),
    nodes: kafka.nodes,
    timeoutMs: ctx.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    onProgress: progress(ctx),
    containers: kafkaNodeContainers(ctx.docker, ctx.spec),
  });
}

/** True when every other declared Kafka node runs: only then can a restarted node's cluster be whole again. */
async function otherNodesRunning(ctx: ContainerExecContext, except: string): Promise<boolean> {
  const others = desiredContainers(ctx.spec, ctx.engine).filter((x) => x.role === 'kafka' && x.name !== except);
  for (const o of others) {
    const info = await inspectContainer(ctx.docker, o.name);
    if (info?.State.Status !== 'running') return false;
  }
  return true;
}

/** Dependencies first: Kafka nodes mean the cluster is ready, a service with a health check healthy, others running. */
async function waitDependencies(ctx: ContainerExecContext, d: DesiredContainer): Promise<void> {
  if (d.dependsOn.length === 0) return;
  const all = desiredContainers(ctx.spec, ctx.engine);
  const deps = d.dependsOn.map((n) => all.find((x) => x.name === n)).filter((x): x is DesiredContainer => x !== undefined);
  if (deps.some((x) => x.role === 'kafka')) await waitCluster(ctx);
  for (const dep of deps.filter((x) => x.role !== 'kafka')) {
    await waitContainerReady(ctx.docker, dep.name, ctx.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS, progress(ctx));
  }
}

async function startExisting(ctx: ContainerExecContext, d: DesiredContainer): Promise<void> {
  await assertPortsFree(d.hostPorts, d.name);
  await waitDependencies(ctx, d);
  progress(ctx)(`starting ${d.name}`);
  try {
    await ctx.docker.getContainer(d.name).start();
  } catch (err) {
    if (statusOf(err) !== 304) throw dockerError(ctx.docker, err, `start container ${d.name}`);
  }
  await assertNotDead(ctx, d.name);
}

/**
 * Creates and starts a container from its desired options. Ports, image, network and volumes are settled
 * first; if creating or starting fails, whatever this call made is removed so the next apply starts clean.
 */
async function createAndStart(ctx: ContainerExecContext, d: DesiredContainer): Promise<void> {
  const { docker } = ctx;
  await assertPortsFree(d.hostPorts, d.name);
  await ensureImage(docker, d.image, progress(ctx), ctx.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS);
  const network = d.network ? desiredNetwork(ctx.spec, ctx.engine) : null;
  const madeNetwork = network ? await ensureNetwork(docker, ctx.spec.project, network) : false;
  const madeVolumes = await ensureVolumes(
    docker,
    desiredVolumes(ctx.spec, ctx.engine).filter((v) => d.volumes.includes(v.name)),
  );
  if (ctx.made) {
    ctx.made.volumes.push(...madeVolumes);
    ctx.made.network ||= madeNetwork;
  }
  let created = false;
  try {
    await waitDependencies(ctx, d);
    progress(ctx)(`creating ${d.name}`);
    const container = await docker.createContainer(d.create).catch((err: unknown) => {
      throw dockerError(docker, err, `create container ${d.name}`);
    });
    created = true;
    ctx.made?.containers.push(d.name);
    await copySecurityFiles(ctx, d, container);
    await container.start().catch((err: unknown) => {
      throw dockerError(docker, err, `start container ${d.name}`);
    });
  } catch (err) {
    if (created) await stopAndRemove(docker, d.name, null).catch(() => undefined);
    await removeVolumes(docker, madeVolumes).catch(() => undefined);
    if (madeNetwork) await removeIdleNetworks(docker, ctx.spec.project).catch(() => undefined);
    if (ctx.made) forget(ctx.made, created ? [d.name] : [], madeVolumes);
    throw err;
  }
  await assertNotDead(ctx, d.name);
}

/**
 * A secured Kafka node gets its certificates, key, JAAS file and SCRAM argument copied in before it starts:
 * files owned by the image's user, 0600, so the password is in no env variable, label or mount source.
 */
async function copySecurityFiles(ctx: ContainerExecContext, d: DesiredContainer, container: Docker.Container): Promise<void> {
  const kafka = ctx.spec.containers?.kafka;
  if (d.role !== 'kafka' || d.node === undefined || !kafka?.security) return;
  const material = ensureSecurityMaterial(kafka.security);
  const properties = kafkaNodeProperties(kafka, d.node, resolveNetwork(kafka.network, ctx.engine));
  const archive = tarOf(securityContainerFiles(kafka.security, properties, material), IMAGE_UID);
  await container.putArchive(archive, { path: '/' }).catch((err: unknown) => {
    throw dockerError(ctx.docker, err, `copy the security files into ${d.name}`);
  });
}

/** Drops entries already removed from the run's ledger. */
function forget(made: MadeByRun, containers: string[], volumes: string[]): void {
  made.containers = made.containers.filter((c) => !containers.includes(c));
  made.volumes = made.volumes.filter((v) => !volumes.includes(v));
}

/** A container that already exited with a failure right after start is reported with its logs. */
async function assertNotDead(ctx: ContainerExecContext, name: string): Promise<void> {
  const info = await inspectContainer(ctx.docker, name);
  if (info && info.State.Status === 'exited' && info.State.ExitCode !== 0) {
    throw await containerFailed(ctx.docker, name, `exited right after start with code ${info.State.ExitCode}`, { exitCode: info.State.ExitCode });
  }
}
