import type { ObservedContainer, ObservedDocker, ObservedEngine } from '../../../src/plan/observed.js';
import type { KafkaClusterSpec, ServiceSpec, Spec } from '../../../src/spec/types.js';

/** A native Linux engine: `auto` networking resolves to host. */
export const LINUX: ObservedEngine = { desktop: false, os: 'Debian GNU/Linux 12 (bookworm)', apiVersion: '1.41' };
/** Docker Desktop: `auto` networking resolves to bridge. */
export const DESKTOP: ObservedEngine = { desktop: true, os: 'Docker Desktop', apiVersion: '1.45' };

const pos = { file: '/tmp/kafka.config.yaml', line: 1, col: 1 };

/** A Kafka cluster section with test defaults, overridable. */
export function kafkaSpec(over: Partial<KafkaClusterSpec> = {}): KafkaClusterSpec {
  return {
    image: 'apache/kafka:4.1.1',
    nodes: 1,
    network: 'auto',
    port: 9092,
    controllerPort: 9093,
    heap: '512m',
    properties: {},
    persistence: 'volume',
    clusterId: 'MkU3OEVBNTcwNTJENDM2Qk',
    security: null,
    pos,
    ...over,
  };
}

/** A service with test defaults, overridable. */
export function serviceSpec(name: string, over: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name,
    image: 'apache/kafka:4.1.1',
    env: {},
    ports: [],
    command: null,
    entrypoint: null,
    volumes: [],
    healthcheck: null,
    dependsOn: [],
    network: 'auto',
    pos,
    ...over,
  };
}

/** A normalised spec declaring the given containers (kafka null: services only). */
export function specWith(project: string, kafka: KafkaClusterSpec | null, services: ServiceSpec[] = [], over: Partial<Spec> = {}): Spec {
  return {
    version: 1,
    project,
    file: '/tmp/kafka.config.yaml',
    cluster: { bootstrapServers: [], clientId: 'kafkaform', connectionTimeoutMs: 5000, requestTimeoutMs: 10000, tls: null, sasl: null },
    topics: [],
    containers: { kafka, services },
    seeds: [],
    allowDelete: false,
    ...over,
  };
}

/** Observed Docker state with the given containers, volumes and images. */
export function dockerWith(over: Partial<ObservedDocker> = {}): ObservedDocker {
  return { engine: LINUX, containers: [], volumes: [], networks: [], images: ['apache/kafka:4.1.1'], ...over };
}

/** An observed container; labels decide project and hash as the observer would read them. */
export function observedContainer(name: string, labels: Record<string, string>, state = 'running', image = 'apache/kafka:4.1.1'): ObservedContainer {
  return {
    name,
    id: `id-${name}`,
    state,
    image,
    labels,
    configHash: labels['dev.kafkaform.config-hash'] ?? null,
    project: labels['dev.kafkaform.project'] ?? null,
  };
}
