import type { Problem, SourcePos } from '../errors.js';
import type { LintCode } from '../plan/lint-codes.js';

/** The validated, normalised spec: what the user wants. Config values are in Kafka's units (ms, bytes), as strings. */
export interface Spec {
  version: 1;
  /** Owner name of everything this spec manages; ownership records and container labels carry it. */
  project: string;
  /** Absolute path of the spec file; seed files resolve against its directory. */
  file: string;
  cluster: ClusterSpec;
  /** Topics sorted by name. */
  topics: TopicSpec[];
  /** Containers to run; null when the spec targets an existing cluster only. */
  containers: ContainersSpec | null;
  /** Seed entries per topic, unmaterialised (files are read by src/seed). Sorted by topic. */
  seeds: SeedSpec[];
  /** Spec-level opt-in to delete topics this project created and no longer declares (`allowDelete: true`). */
  allowDelete: boolean;
  /** Findings that do not make the spec invalid (topic configs the catalogue lacks: the broker decides), in source order. */
  warnings?: Problem[];
}

/** How to reach the cluster. Secrets (sasl.password, tls.key) must never be printed. */
export interface ClusterSpec {
  /** Explicit bootstrap servers; empty when they are derived from containers.kafka. */
  bootstrapServers: string[];
  clientId: string;
  /** Connect timeout per broker, ms. */
  connectionTimeoutMs: number;
  /** Request timeout, ms; also bounds how long "cluster unreachable" takes to report. */
  requestTimeoutMs: number;
  tls: TlsSpec | null;
  sasl: SaslSpec | null;
}

/** TLS settings; file paths are absolute after loading. */
export interface TlsSpec {
  caFile: string | null;
  certFile: string | null;
  keyFile: string | null;
  rejectUnauthorized: boolean;
}

/** SASL credentials; `${ENV}` references are already resolved, so password is secret. */
export interface SaslSpec {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/** One desired topic. A null partitions/replicationFactor means "the broker's default", and is never compared. */
export interface TopicSpec {
  name: string;
  partitions: number | null;
  replicationFactor: number | null;
  /** Topic config overrides, normalised to Kafka's units, as strings. */
  config: Record<string, string>;
  /** Lint codes opted into for this topic (`allow: [L001]`); absent: none. */
  allow?: LintCode[];
  /** Raised partition cap of the lint (`maxPartitions`); absent: the default cap. */
  maxPartitions?: number;
  /** Where each field was written, for diagnostics. */
  pos: TopicPos;
}

/** Source positions of a topic's fields; `name` is the position of the topic's key. */
export interface TopicPos {
  name: SourcePos;
  partitions?: SourcePos;
  replicationFactor?: SourcePos;
  allow?: SourcePos;
  maxPartitions?: SourcePos;
  config: Record<string, SourcePos>;
}

/** Network mode of containers: `auto` is host on native Linux engines and bridge on Docker Desktop. */
export type NetworkMode = 'auto' | 'host' | 'bridge';

/** The containers section. */
export interface ContainersSpec {
  kafka: KafkaClusterSpec | null;
  /** Extra containers in declared order. */
  services: ServiceSpec[];
}

/** A local KRaft cluster: `nodes` containers, each broker and controller. */
export interface KafkaClusterSpec {
  image: string;
  /** 1..9 */
  nodes: number;
  network: NetworkMode;
  /** Client port of node 1 on the host; node i (1-based) gets port + i - 1. */
  port: number;
  /** Controller port of node 1 (host network); node i gets controllerPort + i - 1. */
  controllerPort: number;
  /** JVM heap, e.g. "512m": becomes -Xmx/-Xms. */
  heap: string;
  /** Extra broker properties (Kafka names), values as strings. */
  properties: Record<string, string>;
  /** `volume`: a named volume per node, kept across applies; `none`: data lives and dies with the container. */
  persistence: 'volume' | 'none';
  /** KRaft cluster id; defaults to one derived from the project name, so it is stable. */
  clusterId: string;
  /** Authentication and TLS of the local cluster; null: plaintext, no authentication. */
  security: KafkaSecuritySpec | null;
  pos: SourcePos;
}

/** Kafka's name of how clients reach a secured local cluster. */
export type SecuredListener = 'SASL_SSL' | 'SSL' | 'SASL_PLAINTEXT';

/** A SASL mechanism the local cluster can enable, in Kafka's spelling. */
export type SaslMechanismName = 'SCRAM-SHA-512' | 'SCRAM-SHA-256' | 'PLAIN';

/**
 * `containers.kafka.security`: the local cluster's client listener, its SASL mechanism, the admin (a super user)
 * and whether ACLs are enforced. Secret: admin.password, never printed.
 */
export interface KafkaSecuritySpec {
  listener: SecuredListener;
  /** The one SASL mechanism enabled; null on SSL (the admin is a client certificate). */
  mechanism: SaslMechanismName | null;
  admin: {
    username: string;
    /** Null on SSL. */
    password: string | null;
  };
  /** Run KRaft's StandardAuthorizer, so ACLs are enforced (super users pass). */
  authorizer: boolean;
  /** Absolute directory of the CA, certificates and keys: <spec dir>/.kafkaform/<project>/tls. */
  stateDir: string;
  /** Digest of the CA and broker certificates in stateDir (set when the spec is loaded from disk); null: not read. */
  fingerprint: string | null;
  pos: SourcePos;
}

/** A published port of an extra container. */
export interface PortSpec {
  host: number;
  container: number;
  protocol: 'tcp' | 'udp';
  hostIp: string;
}

/** A mount of an extra container: a named volume (managed, labelled) or a bind of a host path. */
export interface VolumeSpec {
  kind: 'volume' | 'bind';
  /** Volume name (unprefixed) or absolute host path. */
  source: string;
  target: string;
  readOnly: boolean;
}

/** A container health check; durations in ms. */
export interface HealthcheckSpec {
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

/** An extra container, like a compose service. */
export interface ServiceSpec {
  name: string;
  image: string;
  env: Record<string, string>;
  ports: PortSpec[];
  command: string[] | null;
  entrypoint: string[] | null;
  volumes: VolumeSpec[];
  healthcheck: HealthcheckSpec | null;
  /** Names of other services, or "kafka" for the cluster; they start (and are healthy/ready) first. */
  dependsOn: string[];
  network: NetworkMode;
  pos: SourcePos;
}

/** Seed entries of one topic. */
export interface SeedSpec {
  topic: string;
  compression: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  entries: SeedEntrySpec[];
  pos: SourcePos;
}

/** One seed entry; `id` is stable across edits of its content (see src/seed for the exactly-once rules). */
export type SeedEntrySpec =
  | { kind: 'inline'; id: string; message: SeedMessageSpec; pos: SourcePos }
  | { kind: 'file'; id: string; path: string; format: 'jsonl' | 'text'; pos: SourcePos }
  | {
      kind: 'generate';
      id: string;
      count: number;
      key: string | null;
      value: unknown;
      headers: Record<string, string>;
      seed: number | null;
      pos: SourcePos;
    };

/** An inline message as written: value may be structured YAML, produced as JSON. */
export interface SeedMessageSpec {
  key: string | null;
  value: unknown;
  headers: Record<string, string>;
  partition: number | null;
  /** Epoch ms, or null for "now". */
  timestamp: number | null;
}
