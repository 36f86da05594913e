import { plural } from '../words.js';
import { fingerprintDiff, parseFingerprint } from './container-fingerprint.js';
import { bootstrapServers, desiredContainers, isCurrent, kafkaNodeName, kafkaVolumeNode, LABELS, type DesiredContainer } from './desired-containers.js';
import { envProperty } from './kafka-node-config.js';
import type { Desired, PlanOptions } from './desired.js';
import type { Observed, ObservedContainer, ObservedDocker } from './observed.js';
import { DiagnosticCodes, type Action, type ContainerRemoveAction, type ContainerRole, type Diagnostic } from './types.js';

// Pure: containers part of the plan, from the desired containers and what Docker holds.
// Ordering rules, in the order actions are emitted:
//   1. removals of project containers no longer declared, dependants first (they free names and ports);
//   2. creates/starts/recreates in start order (dependencies first; Kafka nodes in node order, so a
//      config change rolls through the cluster one node at a time);
//   3. cluster.wait right after the last Kafka action, so services that depend on Kafka come after it.

/** The containers part of a plan: container and cluster.wait actions in dependency order, plus findings. */
export interface ContainersPlan {
  actions: Action[];
  diagnostics: Diagnostic[];
}

/** Plans container changes; empty when the spec declares no containers or Docker was not observed. */
export function planContainers(desired: Desired, observed: Observed, options: PlanOptions): ContainersPlan {
  const spec = desired.spec;
  const docker = observed.docker;
  if (!docker) return { actions: [], diagnostics: [] };
  if (options.destroy) return { actions: planDestroy(desired, docker, options.removeVolumes), diagnostics: [] };
  if (!spec.containers) return { actions: [], diagnostics: [] };

  const wanted = desiredContainers(spec, docker.engine);
  const wantedNames = new Set(wanted.map((d) => d.name));
  const byName = new Map(docker.containers.map((c) => [c.name, c]));
  const actions: Action[] = [];
  const diagnostics: Diagnostic[] = [];

  const allowDelete = options.allowDelete || spec.allowDelete;
  for (const c of removalOrder(owned(docker, spec.project).filter((c) => !wantedNames.has(c.name)), [])) {
    if (allowDelete) {
      actions.push(removeAction(c, docker, options.removeVolumes, 'no longer declared in the spec'));
    } else {
      diagnostics.push({
        code: DiagnosticCodes.CONTAINER_REMOVE_NOT_ALLOWED,
        severity: 'warning',
        message: `container ${c.name} was created by project ${spec.project} but is no longer declared; it is left alone`,
        hint: 'pass --allow-delete (or set allowDelete: true) to remove it',
        subject: c.name,
      });
    }
  }

  let kafkaTouched = 0;
  let lastKafkaAction = -1;
  for (const d of wanted) {
    const obs = byName.get(d.name);
    const before = actions.length;
    if (obs && obs.project !== spec.project) {
      diagnostics.push({
        code: DiagnosticCodes.CONTAINER_NAME_CONFLICT,
        severity: 'error',
        message: `a container named ${d.name} already exists and does not belong to project ${spec.project}`,
        hint: `remove or rename that container (docker rm -f ${d.name}), or change the project name`,
        at: d.pos,
        subject: d.name,
      });
      continue;
    }
    const pull = !docker.images.includes(d.image);
    if (!obs) {
      actions.push({ kind: 'container.create', name: d.name, role: d.role, image: d.image, configHash: d.configHash, pull, reason: 'not found' });
    } else if (isCurrent(d, obs.configHash) && !UNSTARTABLE.has(obs.state)) {
      if (obs.state !== 'running' && obs.state !== 'restarting') {
        actions.push({ kind: 'container.start', name: d.name, role: d.role, reason: 'stopped' });
      }
    } else {
      const current = isCurrent(d, obs.configHash);
      const changes = current ? [`state ${obs.state}`] : describeChanges(obs, d);
      actions.push({
        kind: 'container.recreate',
        name: d.name,
        role: d.role,
        image: d.image,
        fromHash: obs.configHash,
        configHash: d.configHash,
        pull,
        changes,
        reason: current ? `container is ${obs.state}` : 'configuration changed',
      });
    }
    // What the container model noticed about a declared container (ports ignored on host networking, a bridge
    // service that cannot reach a host-bound Kafka): shown with the plan, never blocking it.
    for (const note of d.notes) {
      diagnostics.push({ code: DiagnosticCodes.CONTAINER_NOTE, severity: 'note', message: note, at: d.pos, subject: d.name });
    }
    if (d.role === 'kafka' && actions.length > before) {
      kafkaTouched++;
      lastKafkaAction = actions.length - 1;
    }
  }

  const kafka = spec.containers.kafka;
  if (kafka && kafkaTouched > 0) {
    actions.splice(lastKafkaAction + 1, 0, {
      kind: 'cluster.wait',
      bootstrapServers: bootstrapServers(spec, docker.engine),
      nodes: kafka.nodes,
      reason: `${plural(kafkaTouched, 'Kafka node')} (re)started`,
    });
  }
  return { actions, diagnostics };
}

/** Container states `docker start` cannot resume: the container is made again instead. */
const UNSTARTABLE = new Set(['paused', 'dead', 'removing']);

/**
 * Destroy: removes every container labelled for the project, dependants before what they depend on.
 * With removeVolumes, every labelled volume goes too, including ones whose container is already gone.
 */
export function planDestroy(desired: Desired, docker: ObservedDocker, removeVolumes: boolean): Action[] {
  const spec = desired.spec;
  const startOrder = desiredContainers(spec, docker.engine).map((d) => d.name);
  const actions: ContainerRemoveAction[] = removalOrder(owned(docker, spec.project), startOrder).map((c) =>
    removeAction(c, docker, removeVolumes, 'destroy'),
  );
  if (removeVolumes) {
    const claimed = new Set(actions.flatMap((a) => a.volumes));
    // Reverse name order, like the containers: higher Kafka nodes first.
    for (const volume of docker.volumes.filter((v) => !claimed.has(v)).sort().reverse()) {
      // A volume whose container is gone: carried by a remove of its (absent) owner, which executes as a no-op.
      const node = kafkaVolumeNode(spec.project, volume);
      const owner = node ? kafkaNodeName(spec.project, node) : volume;
      const existing = actions.find((a) => a.name === owner);
      if (existing) existing.volumes.push(volume);
      else actions.push({ kind: 'container.remove', name: owner, role: node ? 'kafka' : 'service', volumes: [volume], reason: 'destroy: volume left behind' });
    }
  }
  return actions;
}

/** Containers carrying this project's label. */
function owned(docker: ObservedDocker, project: string): ObservedContainer[] {
  return docker.containers.filter((c) => c.project === project);
}

/**
 * Reverse start order: undeclared containers first (services before Kafka nodes, higher nodes first),
 * then declared ones from last-started to first-started.
 */
function removalOrder(containers: ObservedContainer[], startOrder: string[]): ObservedContainer[] {
  const rank = (c: ObservedContainer): number => {
    const i = startOrder.indexOf(c.name);
    if (i >= 0) return i;
    return roleOf(c) === 'service' ? 3_000_000 : 2_000_000 + Number(c.labels[LABELS.node] ?? 0);
  };
  return [...containers].sort((a, b) => rank(b) - rank(a) || a.name.localeCompare(b.name));
}

function removeAction(c: ObservedContainer, docker: ObservedDocker, removeVolumes: boolean, reason: string): ContainerRemoveAction {
  const own = (c.labels[LABELS.volumes] ?? '').split(',').filter((v) => v !== '');
  const volumes = removeVolumes ? own.filter((v) => docker.volumes.includes(v)) : [];
  return { kind: 'container.remove', name: c.name, role: roleOf(c), volumes, reason };
}

function roleOf(c: ObservedContainer): ContainerRole {
  return c.labels[LABELS.role] === 'kafka' ? 'kafka' : 'service';
}

/** What differs, from the fingerprint labels; Kafka env is shown as the broker property it sets. */
function describeChanges(obs: ObservedContainer, d: DesiredContainer): string[] {
  const before = parseFingerprint(obs.labels[LABELS.config]);
  const changes = before ? fingerprintDiff(before, d.fingerprint).map((key) => displayChange(key, d.role)) : [];
  if (changes.length > 0) return [...new Set(changes)];
  const generic = `configuration changed (hash ${short(obs.configHash)} → ${short(d.configHash)})`;
  return obs.image !== d.image ? ['image', generic] : [generic];
}

function displayChange(key: string, role: ContainerRole): string {
  if (role !== 'kafka' || !key.startsWith('env ')) return key;
  const name = key.slice('env '.length);
  if (name === 'KAFKA_HEAP_OPTS') return 'heap';
  if (name === 'CLUSTER_ID') return 'cluster id';
  const property = envProperty(name);
  return property ? `property ${property}` : key;
}

function short(hash: string | null): string {
  return hash ? hash.slice(0, 12) : 'none';
}

