import type { KafkaClusterSpec, NetworkMode } from '../spec/types.js';
import type { ObservedEngine } from './observed.js';
import { CONTROLLER_PROTOCOL, securityEnv, securityProperties } from './kafka-security-config.js';
import { controllerQuorumProperties, imageKafkaVersion, internalTopicProperties, NEWEST_TESTED_VERSION } from '../kafka/versions.js';

/** A network mode after `auto` was decided for an engine. */
export type ResolvedNetwork = 'host' | 'bridge';

/** Where every node keeps its log (the image's data directory, owned by its uid 1000 user). */
export const KAFKA_DATA_DIR = '/var/lib/kafka/data';

/** In-container ports of a bridge-network node: brokers talk on INTERNAL, clients on EXTERNAL (published). */
export const BRIDGE_PORTS = { internal: 19092, controller: 9093, external: 9092 } as const;

/**
 * `auto` means host networking where it is native (Linux engines) and bridge on Docker Desktop,
 * whose host network is a VM's. A null engine (not observed) is treated as native.
 */
export function resolveNetwork(mode: NetworkMode, engine: ObservedEngine | null): ResolvedNetwork {
  if (mode === 'host' || mode === 'bridge') return mode;
  return engine?.desktop ? 'bridge' : 'host';
}

/** The image's env name of a broker property: '.'→'_', '_'→'__', '-'→'___', upper case, KAFKA_ prefix. */
export function propertyEnvName(property: string): string {
  let out = '';
  for (const ch of property) out += ch === '.' ? '_' : ch === '_' ? '__' : ch === '-' ? '___' : ch;
  return `KAFKA_${out.toUpperCase()}`;
}

/** Env variables the image reads as JVM or script settings, never as broker properties. */
const NON_PROPERTY_ENV = new Set(['KAFKA_HEAP_OPTS', 'KAFKA_OPTS', 'KAFKA_LOG4J_OPTS', 'KAFKA_JMX_OPTS', 'KAFKA_JVM_PERFORMANCE_OPTS']);

/** The broker property an env variable sets, as the image decodes it; null for non-property variables. */
export function envProperty(name: string): string | null {
  if (!name.startsWith('KAFKA_') || NON_PROPERTY_ENV.has(name)) return null;
  // Like the image's left-to-right replacements: each '___' is '-', then a '__' left is '_', a single '_' is '.'.
  return name
    .slice('KAFKA_'.length)
    .toLowerCase()
    .replace(/_+/g, (run) => '-'.repeat(Math.floor(run.length / 3)) + ['', '.', '_'][run.length % 3]);
}

/** Host name (and network alias) of node i on the project's bridge network. */
export function bridgeHostname(node: number): string {
  return `kafka-${node}`;
}

/**
 * Broker properties of node `node` (1-based): every node is broker and controller of one static quorum.
 * Spec properties override these defaults. Internal topics are sized for the image's Kafka version (an image whose
 * tag tells no version is taken as the newest).
 */
export function kafkaNodeProperties(kafka: KafkaClusterSpec, node: number, network: ResolvedNetwork, firstUse = true): Record<string, string> {
  const ids = Array.from({ length: kafka.nodes }, (_, i) => i + 1);
  const common: Record<string, string> = {
    'node.id': String(node),
    'process.roles': 'broker,controller',
    'controller.listener.names': 'CONTROLLER',
    'log.dirs': KAFKA_DATA_DIR,
    ...internalTopicProperties(imageKafkaVersion(kafka.image) ?? NEWEST_TESTED_VERSION, kafka.nodes),
    ...(firstUse ? firstUseTopicProperties(kafka.nodes) : {}),
    'group.initial.rebalance.delay.ms': '0',
    ...(kafka.security ? securityProperties(kafka.security) : {}),
  };
  // A secured cluster names its client listener after its protocol (SASL_SSL://...) and runs the controllers on mTLS.
  const client = kafka.security?.listener ?? 'PLAINTEXT';
  const controller = kafka.security ? CONTROLLER_PROTOCOL : 'PLAINTEXT';
  const port = kafka.port + node - 1;
  const networked: Record<string, string> =
    network === 'host'
      ? {
          // 127.0.0.1 rather than localhost: clients resolving localhost to ::1 first would miss the listener.
          listeners: `${client}://127.0.0.1:${port},CONTROLLER://127.0.0.1:${kafka.controllerPort + node - 1}`,
          'advertised.listeners': `${client}://127.0.0.1:${port}`,
          'inter.broker.listener.name': client,
          'listener.security.protocol.map': `CONTROLLER:${controller},${client}:${client}`,
          ...controllerQuorumProperties(ids.map((id) => `127.0.0.1:${kafka.controllerPort + id - 1}`)),
        }
      : {
          listeners: [
            `INTERNAL://${bridgeHostname(node)}:${BRIDGE_PORTS.internal}`,
            `CONTROLLER://${bridgeHostname(node)}:${BRIDGE_PORTS.controller}`,
            `EXTERNAL://0.0.0.0:${BRIDGE_PORTS.external}`,
          ].join(','),
          'advertised.listeners': `INTERNAL://${bridgeHostname(node)}:${BRIDGE_PORTS.internal},EXTERNAL://localhost:${port}`,
          'inter.broker.listener.name': 'INTERNAL',
          'listener.security.protocol.map': `CONTROLLER:${controller},INTERNAL:${client},EXTERNAL:${client}`,
          ...controllerQuorumProperties(ids.map((id) => `${bridgeHostname(id)}:${BRIDGE_PORTS.controller}`)),
        };
  return { ...common, ...networked, ...kafka.properties };
}

/**
 * Partitions of the internal topics a cluster creates on first use (the first transaction, such as a seed entry's,
 * and the first consumer group): one per node, not Kafka's 50, whose creation takes seconds on a laptop. Kafka reads
 * them only when it creates those topics, so a node made without them (by an earlier release) is just as current.
 */
export function firstUseTopicProperties(nodes: number): Record<string, string> {
  return { 'offsets.topic.num.partitions': String(nodes), 'transaction.state.log.num.partitions': String(nodes) };
}

/**
 * Container env of node `node`, sorted by name so the config hash does not depend on property order. `firstUse`
 * false leaves out firstUseTopicProperties (unless the spec sets them): the env earlier releases wrote.
 */
export function kafkaNodeEnv(kafka: KafkaClusterSpec, node: number, network: ResolvedNetwork, firstUse = true): string[] {
  const props = kafkaNodeProperties(kafka, node, network, firstUse);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(props)) env[propertyEnvName(key)] = value;
  env.CLUSTER_ID = kafka.clusterId;
  env.KAFKA_HEAP_OPTS = `-Xmx${kafka.heap} -Xms${kafka.heap}`;
  if (kafka.security) Object.assign(env, securityEnv(kafka.security));
  return Object.keys(env)
    .sort()
    .map((k) => `${k}=${env[k]}`);
}

/** Client address of node i as seen from the host: 127.0.0.1 on host networking, the published localhost port on bridge. */
export function nodeBootstrap(kafka: KafkaClusterSpec, node: number, network: ResolvedNetwork): string {
  return `${network === 'host' ? '127.0.0.1' : 'localhost'}:${kafka.port + node - 1}`;
}
