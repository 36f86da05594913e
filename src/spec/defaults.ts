import { createHash } from 'node:crypto';
import type { NetworkMode } from './types.js';

/** The spec file `kafkaform` looks for in the working directory when no -f is given. */
export const DEFAULT_SPEC_FILE = 'kafka.config.yaml';

/** Image of containers.kafka when the spec names none: the project's pinned Kafka version (src/kafka/versions.ts). */
export { DEFAULT_KAFKA_IMAGE } from '../kafka/versions.js';

/** Kafka client id kafkaform identifies itself with unless cluster.clientId says otherwise. */
export const DEFAULT_CLIENT_ID = 'kafkaform';

/** cluster.connectionTimeout default, ms. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;

/** cluster.requestTimeout default, ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** containers.kafka.nodes default. */
export const DEFAULT_KAFKA_NODES = 1;

/** containers.kafka.nodes upper bound (the schema's maximum): KRaft quorums beyond 9 voters make no sense locally. */
export const MAX_KAFKA_NODES = 9;

/** Client port of node 1; node i gets DEFAULT_KAFKA_PORT + i - 1. */
export const DEFAULT_KAFKA_PORT = 9092;

/**
 * controllerPort defaults to port + this offset (9092 → 10092), so the client range [port, port+nodes-1]
 * and the controller range never overlap for any node count up to MAX_KAFKA_NODES.
 */
export const CONTROLLER_PORT_OFFSET = 1000;

/** JVM heap of each Kafka node (-Xmx/-Xms); small because CI machines have 2 cores and little memory. */
export const DEFAULT_KAFKA_HEAP = '512m';

/** Network mode of every container unless it says otherwise. */
export const DEFAULT_NETWORK: NetworkMode = 'auto';

/** containers.kafka.persistence default: data survives re-creating a node. */
export const DEFAULT_PERSISTENCE = 'volume' as const;

/** Host address of published service ports unless the port says otherwise: loopback only. */
export const DEFAULT_HOST_IP = '127.0.0.1';

/** Health check timings of a service that declares a test but not the timings (ms); tuned for fast local starts. */
export const DEFAULT_HEALTHCHECK = {
  intervalMs: 5_000,
  timeoutMs: 3_000,
  retries: 10,
  startPeriodMs: 0,
} as const;

/** seed.<topic>.compression default. */
export const DEFAULT_SEED_COMPRESSION = 'none' as const;

/**
 * Broker properties kafkaform sets itself for every node (roles, ids, listeners, quorum, data dir);
 * a spec may not override them in containers.kafka.properties because the cluster would not form.
 */
export const MANAGED_BROKER_PROPERTIES: readonly string[] = [
  'node.id',
  'process.roles',
  'controller.quorum.voters',
  'controller.quorum.bootstrap.servers',
  'controller.listener.names',
  'listeners',
  'advertised.listeners',
  'inter.broker.listener.name',
  'log.dirs',
  'log.dir',
];

/**
 * The KRaft cluster id used when containers.kafka.clusterId is absent: 22-char base64url of the first
 * 16 bytes of sha256("kafkaform:" + project). Deterministic so re-creating nodes keeps their data valid.
 */
export function defaultClusterId(project: string): string {
  return createHash('sha256').update(`kafkaform:${project}`).digest().subarray(0, 16).toString('base64url');
}
