import type Docker from 'dockerode';
import type { ContainerRole } from '../plan/types.js';
import type { Spec } from '../spec/types.js';
import { dockerError } from './client.js';
import { bootstrapServers, desiredContainers, isCurrent, LABELS } from '../plan/desired-containers.js';
import { nodeBootstrap, resolveNetwork } from '../plan/kafka-node-config.js';
import { observeEngine } from './observe-containers.js';

/** One row of `kafkaform status`: a declared or project-labelled container. Plain data. */
export interface ContainerStatus {
  name: string;
  role: ContainerRole;
  /** Kafka node id; absent for services. */
  node?: number;
  /** Docker's state (running, exited, ...), or "absent" for a declared container that does not exist. */
  state: string;
  /** Docker's human status, e.g. "Up 5 minutes (healthy)"; '' when absent. */
  status: string;
  image: string;
  /** Published ports as "hostIp:host->container/proto"; host-networked containers have none. */
  ports: string[];
  /** The address clients use for a Kafka node; absent for services. */
  bootstrap?: string;
  /** False for a labelled container the spec no longer declares. */
  declared: boolean;
  /** The container's config differs from what the spec now says (a plan would recreate it). */
  outdated: boolean;
}

/** Status of the project's containers: declared ones first (start order), then leftovers. One list call plus engine info. */
export async function containerStatus(docker: Docker, spec: Spec): Promise<ContainerStatus[]> {
  const engine = await observeEngine(docker);
  let list: Docker.ContainerInfo[];
  try {
    list = await docker.listContainers({ all: true, filters: { label: [`${LABELS.project}=${spec.project}`] } });
  } catch (err) {
    throw dockerError(docker, err, 'list containers');
  }
  const byName = new Map(list.map((c) => [(c.Names[0] ?? '').replace(/^\//, ''), c]));
  const kafka = spec.containers?.kafka ?? null;
  const rows: ContainerStatus[] = [];
  for (const d of desiredContainers(spec, engine)) {
    const c = byName.get(d.name);
    byName.delete(d.name);
    const row: ContainerStatus = {
      name: d.name,
      role: d.role,
      state: c?.State ?? 'absent',
      status: c?.Status ?? '',
      image: c?.Image ?? d.image,
      ports: c ? ports(c) : [],
      declared: true,
      outdated: c !== undefined && !isCurrent(d, c.Labels[LABELS.configHash] ?? null),
    };
    if (d.node !== undefined) row.node = d.node;
    if (d.node !== undefined && kafka) row.bootstrap = nodeBootstrap(kafka, d.node, resolveNetwork(kafka.network, engine));
    rows.push(row);
  }
  for (const [name, c] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    const role: ContainerRole = c.Labels[LABELS.role] === 'kafka' ? 'kafka' : 'service';
    const row: ContainerStatus = { name, role, state: c.State, status: c.Status, image: c.Image, ports: ports(c), declared: false, outdated: true };
    const node = Number(c.Labels[LABELS.node]);
    if (role === 'kafka' && Number.isInteger(node) && node > 0) row.node = node;
    rows.push(row);
  }
  return rows;
}

/** Bootstrap servers for `kafkaform output bootstrap`: the spec's explicit list, else derived (asks Docker only for `auto`). */
export async function outputBootstrap(docker: Docker | null, spec: Spec): Promise<string[]> {
  const kafka = spec.containers?.kafka;
  const needsEngine = spec.cluster.bootstrapServers.length === 0 && kafka?.network === 'auto' && docker !== null;
  return bootstrapServers(spec, needsEngine ? await observeEngine(docker) : null);
}

function ports(c: Docker.ContainerInfo): string[] {
  return (c.Ports ?? [])
    .filter((p) => p.PublicPort)
    .map((p) => `${p.IP ?? ''}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`)
    .sort();
}
