/** What exists now, as observed at the edges (Docker, Kafka). Plain data: the planner's second input. */
export interface Observed {
  /** The cluster as seen through the admin API; null when it does not exist yet (its containers are planned). */
  cluster: ObservedCluster | null;
  /** Docker as seen through dockerode; null when the spec declares no containers, so Docker was not consulted. */
  docker: ObservedDocker | null;
}

/** Where a config value comes from, from DescribeConfigs' configSource (1 → topic, 2/3/4 → broker, 5 → default). */
export type ConfigSource = 'topic' | 'broker' | 'default' | 'other';

/** One config entry of a topic as the broker reports it. */
export interface ObservedConfig {
  value: string | null;
  source: ConfigSource;
  sensitive: boolean;
}

/** One partition of a topic. */
export interface ObservedPartition {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** One topic in the cluster, internal ones included (the planner filters). */
export interface ObservedTopic {
  name: string;
  /** Sorted by partition. */
  partitions: ObservedPartition[];
  /**
   * Every config entry the broker reports for the topic, keyed by name. Observed only for topics the spec
   * declares or the project owns; empty for every other topic (those are listed by name only).
   */
  configs: Record<string, ObservedConfig>;
}

/** What kafkaform's state topic says was seeded. */
export interface SeedRecord {
  project: string;
  topic: string;
  entryId: string;
  /** Hash of the entry's content when it was produced. */
  hash: string;
  count: number;
  producedAt: string;
}

/** A broker of the cluster. */
export interface ObservedBroker {
  nodeId: number;
  host: string;
  port: number;
}

/** The cluster as the admin API shows it. */
export interface ObservedCluster {
  /** Sorted by nodeId. */
  brokers: ObservedBroker[];
  /** Sorted by name. */
  topics: ObservedTopic[];
  /** Topic name → project that created it, from kafkaform's state topic. Absent: not created by kafkaform. */
  owners: Record<string, string>;
  seeds: SeedRecord[];
  /** Topics with a partition reassignment in progress. */
  reassigning: string[];
  /** Data held by the topics the safety lint needs it for (see stakeTopics); absent when not observed. */
  usage?: Record<string, TopicUsage>;
  /** When usage was observed (epoch ms): the lint's "now" for message ages, so the planner stays pure. */
  observedAtMs?: number;
  /** False when the broker lacks IncrementalAlterConfigs (API key 44): config changes replace whole override sets. Absent: it has it. */
  incrementalAlterConfigs?: boolean;
  /**
   * Every topic config name the broker supports (DescribeConfigs of one topic lists them all), sorted; null or
   * absent when no topic could be described. Observed only when the spec declares a key the catalogue lacks.
   */
  topicConfigNames?: string[] | null;
  /**
   * What the broker refused when asked, changing nothing (validate_only), to make this plan's topic creates and
   * config changes; absent when it was not asked (no such changes, or the broker could not be asked).
   */
  refusals?: BrokerRefusal[];
}

/** A change the broker would refuse, as it answered a validate-only request. */
export interface BrokerRefusal {
  topic: string;
  change: 'create' | 'alterConfig';
  /** Kafka's error name, e.g. INVALID_CONFIG or POLICY_VIOLATION. */
  error: string;
  /** The broker's own explanation. */
  message: string;
  /** The declared config key refused: named by the message, or the one the broker refuses on its own. */
  key?: string;
}

/** What one topic holds, measured with DescribeLogDirs and ListOffsets by timestamp. */
export interface TopicUsage {
  /** Bytes on disk per partition (its largest replica), keyed by partition number. */
  partitionBytes: Record<number, number>;
  /** Timestamp (epoch ms) of the oldest message still held; null when the topic is empty. */
  oldestMs: number | null;
}

/** Docker engine facts that change how containers are configured. */
export interface ObservedEngine {
  /** Docker Desktop (macOS/Windows VM): host networking is not native, so `auto` means bridge. */
  desktop: boolean;
  os: string;
  apiVersion: string;
}

/** A container carrying this project's labels (or holding a name the project needs). */
export interface ObservedContainer {
  name: string;
  id: string;
  /** Docker's state: running, exited, created, restarting, paused, dead. */
  state: string;
  image: string;
  labels: Record<string, string>;
  /** The dev.kafkaform.config-hash label: hash of the configuration it was created from; null if absent. */
  configHash: string | null;
  /** The dev.kafkaform.project label; null when the container is not kafkaform's. */
  project: string | null;
}

/** Docker as dockerode shows it, restricted to what concerns this project. */
export interface ObservedDocker {
  engine: ObservedEngine;
  containers: ObservedContainer[];
  /** Names of volumes labelled for this project. */
  volumes: string[];
  /** Names of networks labelled for this project. */
  networks: string[];
  /** Images present locally, by reference (only those the spec names). */
  images: string[];
}
