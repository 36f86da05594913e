import type Docker from 'dockerode';
import type { SourcePos } from '../errors.js';
import type { ObservedEngine } from './observed.js';
import type { ContainerRole } from './types.js';
import { KAFKA_BOOTSTRAP_REF } from '../spec/interpolate.js';
import type { KafkaClusterSpec, ServiceSpec, Spec } from '../spec/types.js';
import { canonicalJson, fingerprint, hashOf, type ConfigFingerprint } from './container-fingerprint.js';
import { SECURED_ENTRYPOINT } from './kafka-security-config.js';
import { BRIDGE_PORTS, bridgeHostname, KAFKA_DATA_DIR, kafkaNodeEnv, nodeBootstrap, resolveNetwork } from './kafka-node-config.js';

// Pure: computes what Docker should hold. dockerode is imported for its types only.

/** dockerode's container create options, as sent to the engine. */
export type CreateOptions = Docker.ContainerCreateOptions;

/** Labels kafkaform puts on every container, volume and network it creates. */
export const LABELS = {
  project: 'dev.kafkaform.project',
  configHash: 'dev.kafkaform.config-hash',
  role: 'dev.kafkaform.role',
  node: 'dev.kafkaform.node',
  /** Secret-free fingerprint of the config (canonical JSON), so a plan can say what changed. */
  config: 'dev.kafkaform.config',
  /** Comma-separated named volumes a container uses, so removal knows them without inspecting. */
  volumes: 'dev.kafkaform.volumes',
  /** Secured Kafka nodes: digest of the CA and broker certificates copied in (public; never the password). */
  tls: 'dev.kafkaform.tls',
} as const;

/** A host port a container will hold; checked free before the container is created. */
export interface HostPort {
  port: number;
  hostIp: string;
  protocol: 'tcp' | 'udp';
}

/** One container the spec wants, fully configured. */
export interface DesiredContainer {
  name: string;
  role: ContainerRole;
  /** Kafka node id (1-based); absent for services. */
  node?: number;
  image: string;
  /** Container names that must be started (and ready) first. */
  dependsOn: string[];
  /** Exact dockerode create options, labels included. */
  create: CreateOptions;
  /** sha256 of the canonical JSON of `create` without the hash/fingerprint labels. */
  configHash: string;
  /** Secret-free per-setting digests, also stored in the LABELS.config label. */
  fingerprint: ConfigFingerprint;
  /** Config hashes of containers that are just as current: a Kafka node an earlier release made without firstUseTopicProperties. */
  sameAs: string[];
  /** Named volumes it mounts (full Docker names). */
  volumes: string[];
  /** The project network it joins, or null on host networking. */
  network: string | null;
  /** Host ports it will bind. */
  hostPorts: HostPort[];
  /** Things the user should know about how the spec was applied (e.g. ports ignored on host networking). */
  notes: string[];
  /** Where it is declared. */
  pos: SourcePos;
}

/** A named volume to create before the containers that use it. */
export interface DesiredVolume {
  name: string;
  labels: Record<string, string>;
}

/** The project's user-defined bridge network. */
export interface DesiredNetwork {
  name: string;
  labels: Record<string, string>;
}

/** Container name of Kafka node i (1-based). */
export function kafkaNodeName(project: string, node: number): string {
  return `${project}-kafka-${node}`;
}

/** Container name of a service. */
export function serviceContainerName(project: string, service: string): string {
  return `${project}-${service}`;
}

/** Name of the data volume of Kafka node i. */
export function kafkaVolumeName(project: string, node: number): string {
  return `${kafkaNodeName(project, node)}-data`;
}

/** The node whose data volume `volume` is (the inverse of kafkaVolumeName), or null. */
export function kafkaVolumeNode(project: string, volume: string): number | null {
  const head = `${project}-kafka-`;
  if (!volume.startsWith(head) || !volume.endsWith('-data')) return null;
  const digits = volume.slice(head.length, -'-data'.length);
  return /^[1-9][0-9]*$/.test(digits) ? Number(digits) : null;
}

/** Name of the project's bridge network (Kafka nodes and bridge services reach each other on it). */
export function projectNetworkName(project: string): string {
  return `${project}-kafka`;
}

/** Every container name the spec wants, without computing configs (observers use it to find name conflicts). */
export function desiredNames(spec: Spec): string[] {
  const c = spec.containers;
  if (!c) return [];
  const kafka = c.kafka ? Array.from({ length: c.kafka.nodes }, (_, i) => kafkaNodeName(spec.project, i + 1)) : [];
  return [...kafka, ...c.services.map((s) => serviceContainerName(spec.project, s.name))];
}

/**
 * Bootstrap servers of the cluster: the spec's explicit list when given, else the addresses of the
 * declared Kafka nodes (127.0.0.1:port on host networking, localhost:port on bridge); empty when neither.
 */
export function bootstrapServers(spec: Spec, engine: ObservedEngine | null): string[] {
  if (spec.cluster.bootstrapServers.length > 0) return spec.cluster.bootstrapServers;
  const kafka = spec.containers?.kafka;
  if (!kafka) return [];
  const network = resolveNetwork(kafka.network, engine);
  return Array.from({ length: kafka.nodes }, (_, i) => nodeBootstrap(kafka, i + 1, network));
}

/** The containers the spec wants, in start order: dependencies first, Kafka nodes (node order) before services. */
export function desiredContainers(spec: Spec, engine: ObservedEngine | null): DesiredContainer[] {
  const c = spec.containers;
  if (!c) return [];
  const out: DesiredContainer[] = [];
  if (c.kafka) {
    for (let i = 1; i <= c.kafka.nodes; i++) out.push(kafkaNode(spec.project, c.kafka, i, engine));
  }
  const kafkaNames = out.map((d) => d.name);
  for (const s of c.services) out.push(service(spec.project, s, kafkaNames, engine, serviceBootstrap(spec, s, engine)));
  return startOrder(out);
}

/** Volumes the desired containers mount, each once. */
export function desiredVolumes(spec: Spec, engine: ObservedEngine | null): DesiredVolume[] {
  const seen = new Map<string, DesiredVolume>();
  for (const d of desiredContainers(spec, engine)) {
    for (const name of d.volumes) if (!seen.has(name)) seen.set(name, { name, labels: volumeLabels(spec.project, d, name) });
  }
  return [...seen.values()];
}

/** The project network when any container uses bridge networking, else null. */
export function desiredNetwork(spec: Spec, engine: ObservedEngine | null): DesiredNetwork | null {
  const name = projectNetworkName(spec.project);
  if (!desiredContainers(spec, engine).some((d) => d.network === name)) return null;
  return { name, labels: networkLabels(spec.project, name) };
}

/** Labels of a named volume used by container `d`. */
export function volumeLabels(project: string, d: DesiredContainer, name: string): Record<string, string> {
  const labels: Record<string, string> = { [LABELS.project]: project, [LABELS.role]: d.role };
  if (d.node !== undefined) labels[LABELS.node] = String(d.node);
  labels[LABELS.configHash] = hashOf({ Name: name, Driver: 'local' });
  return labels;
}

/** Labels of the project network. */
export function networkLabels(project: string, name: string): Record<string, string> {
  return { [LABELS.project]: project, [LABELS.role]: 'network', [LABELS.configHash]: hashOf({ Name: name, Driver: 'bridge' }) };
}

function kafkaNode(project: string, kafka: KafkaClusterSpec, node: number, engine: ObservedEngine | null): DesiredContainer {
  const name = kafkaNodeName(project, node);
  const network = resolveNetwork(kafka.network, engine);
  const volumes = kafka.persistence === 'volume' ? [kafkaVolumeName(project, node)] : [];
  const port = kafka.port + node - 1;
  const net = network === 'bridge' ? projectNetworkName(project) : null;
  const create: CreateOptions = {
    name,
    Image: kafka.image,
    Env: kafkaNodeEnv(kafka, node, network),
    Labels: baseLabels(project, 'kafka', node, volumes),
    // Kafka's controlled shutdown moves leadership away first; Docker's default 10 s can cut it short.
    StopTimeout: 30,
    HostConfig: {
      NetworkMode: net ?? 'host',
      RestartPolicy: { Name: 'no' },
      Mounts: volumes.map((v) => ({ Type: 'volume' as const, Source: v, Target: KAFKA_DATA_DIR, ReadOnly: false })),
    },
  };
  if (kafka.security) {
    // Certificates, JAAS and the SCRAM argument are copied in before start (see securityContainerFiles), not mounted.
    create.Entrypoint = SECURED_ENTRYPOINT;
    create.Labels = { ...create.Labels, [LABELS.tls]: kafka.security.fingerprint ?? 'unread' };
  }
  const hostPorts: HostPort[] = [];
  if (net) {
    const external = `${BRIDGE_PORTS.external}/tcp`;
    create.Hostname = bridgeHostname(node);
    create.ExposedPorts = { [external]: {} };
    create.HostConfig!.PortBindings = { [external]: [{ HostIp: '127.0.0.1', HostPort: String(port) }] };
    create.NetworkingConfig = { EndpointsConfig: { [net]: { Aliases: [bridgeHostname(node)] } } };
    hostPorts.push({ port, hostIp: '127.0.0.1', protocol: 'tcp' });
  } else {
    hostPorts.push({ port, hostIp: '127.0.0.1', protocol: 'tcp' });
    hostPorts.push({ port: kafka.controllerPort + node - 1, hostIp: '127.0.0.1', protocol: 'tcp' });
  }
  // The same node as an earlier release made it, without the first-use topic sizes: current too, not recreated.
  const before = { ...create, Env: kafkaNodeEnv(kafka, node, network, false) };
  const sameAs = before.Env.join('\n') === create.Env!.join('\n') ? [] : [hashOf(before)];
  return finish({ name, role: 'kafka', node, image: kafka.image, dependsOn: [], create, volumes, network: net, hostPorts, notes: [], pos: kafka.pos }, sameAs);
}

/** True when a container with config hash `hash` is what `d` asks for (its own hash, or one just as current). */
export function isCurrent(d: DesiredContainer, hash: string | null): boolean {
  return hash !== null && (hash === d.configHash || d.sameAs.includes(hash));
}

/**
 * What ${kafka.bootstrap} means inside service `s`: on the project's bridge network with bridge Kafka nodes,
 * their internal listeners (kafka-1:19092, ...); otherwise the addresses clients on the host use
 * (127.0.0.1:port on host networking, the published localhost:port on bridge), or cluster.bootstrapServers.
 * A bridge service cannot reach brokers bound to the host's 127.0.0.1: the note says so.
 */
export function serviceBootstrap(spec: Spec, s: ServiceSpec, engine: ObservedEngine | null): { value: string; note: string | null } {
  const kafka = spec.containers?.kafka;
  const serviceNet = resolveNetwork(s.network, engine);
  if (kafka && spec.cluster.bootstrapServers.length === 0) {
    const kafkaNet = resolveNetwork(kafka.network, engine);
    if (serviceNet === 'bridge' && kafkaNet === 'bridge') {
      return { value: Array.from({ length: kafka.nodes }, (_, i) => `${bridgeHostname(i + 1)}:${BRIDGE_PORTS.internal}`).join(','), note: null };
    }
    const value = bootstrapServers(spec, engine).join(',');
    if (serviceNet === 'bridge' && kafkaNet === 'host') {
      return { value, note: `${KAFKA_BOOTSTRAP_REF} in ${s.name}: Kafka listens on the host's 127.0.0.1, which a bridge-network service cannot reach; give ${s.name} network: host` };
    }
    return { value, note: null };
  }
  return { value: spec.cluster.bootstrapServers.join(','), note: null };
}

function service(project: string, s: ServiceSpec, kafkaNames: string[], engine: ObservedEngine | null, bootstrap: { value: string; note: string | null }): DesiredContainer {
  const name = serviceContainerName(project, s.name);
  const network = resolveNetwork(s.network, engine);
  const net = network === 'bridge' ? projectNetworkName(project) : null;
  const volumes = [...new Set(s.volumes.filter((v) => v.kind === 'volume').map((v) => `${project}-${v.source}`))];
  const notes: string[] = [];
  const usesBootstrap = Object.values(s.env).some((v) => v.includes(KAFKA_BOOTSTRAP_REF));
  if (usesBootstrap && bootstrap.note) notes.push(bootstrap.note);
  const create: CreateOptions = {
    name,
    Image: s.image,
    Env: Object.keys(s.env)
      .sort()
      .map((k) => `${k}=${s.env[k]!.split(KAFKA_BOOTSTRAP_REF).join(bootstrap.value)}`),
    Labels: baseLabels(project, 'service', undefined, volumes),
    HostConfig: {
      NetworkMode: net ?? 'host',
      RestartPolicy: { Name: 'no' },
      Mounts: s.volumes.map((v) => ({
        Type: v.kind,
        Source: v.kind === 'volume' ? `${project}-${v.source}` : v.source,
        Target: v.target,
        ReadOnly: v.readOnly,
      })),
    },
  };
  if (s.command) create.Cmd = s.command;
  if (s.entrypoint) create.Entrypoint = s.entrypoint;
  if (s.healthcheck) {
    // Docker takes health-check durations in nanoseconds.
    const ns = (ms: number): number => ms * 1_000_000;
    create.Healthcheck = {
      Test: s.healthcheck.test,
      Interval: ns(s.healthcheck.intervalMs),
      Timeout: ns(s.healthcheck.timeoutMs),
      Retries: s.healthcheck.retries,
      StartPeriod: ns(s.healthcheck.startPeriodMs),
    };
  }
  const hostPorts: HostPort[] = [];
  if (net) {
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const p of s.ports) {
      const key = `${p.container}/${p.protocol}`;
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.host) });
      hostPorts.push({ port: p.host, hostIp: p.hostIp, protocol: p.protocol });
    }
    if (s.ports.length > 0) {
      create.ExposedPorts = exposed;
      create.HostConfig!.PortBindings = bindings;
    }
    create.NetworkingConfig = { EndpointsConfig: { [net]: { Aliases: [s.name] } } };
  } else if (s.ports.length > 0) {
    notes.push(`ports of ${s.name} are ignored on host networking: the container's ports are the host's`);
  }
  const dependsOn = s.dependsOn.flatMap((dep) => (dep === 'kafka' ? kafkaNames : [serviceContainerName(project, dep)]));
  return finish({ name, role: 'service', image: s.image, dependsOn, create, volumes, network: net, hostPorts, notes, pos: s.pos });
}

function baseLabels(project: string, role: ContainerRole, node: number | undefined, volumes: string[]): Record<string, string> {
  const labels: Record<string, string> = { [LABELS.project]: project, [LABELS.role]: role };
  if (node !== undefined) labels[LABELS.node] = String(node);
  if (volumes.length > 0) labels[LABELS.volumes] = volumes.join(',');
  return labels;
}

/** Adds the hash and fingerprint, both computed from the options before these two labels exist. */
function finish(d: Omit<DesiredContainer, 'configHash' | 'fingerprint' | 'sameAs'>, sameAs: string[] = []): DesiredContainer {
  const configHash = hashOf(d.create);
  const print = fingerprint(d.create);
  d.create.Labels = { ...d.create.Labels, [LABELS.configHash]: configHash, [LABELS.config]: canonicalJson(print) };
  return { ...d, configHash, fingerprint: print, sameAs };
}

/**
 * Topological order, stable: among containers whose dependencies are all placed, the earliest declared
 * goes first (Kafka nodes are declared first). A cycle (rejected by the spec loader) keeps declared order.
 */
function startOrder(list: DesiredContainer[]): DesiredContainer[] {
  const names = new Set(list.map((d) => d.name));
  const placed = new Set<string>();
  const out: DesiredContainer[] = [];
  while (out.length < list.length) {
    const next =
      list.find((d) => !placed.has(d.name) && d.dependsOn.every((dep) => placed.has(dep) || !names.has(dep))) ??
      list.find((d) => !placed.has(d.name))!;
    placed.add(next.name);
    out.push(next);
  }
  return out;
}
