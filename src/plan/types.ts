import type { SourcePos } from '../errors.js';
import type { AccessAction } from './access-types.js';
import type { LintCode } from './lint-codes.js';
import type { ConfigSource } from './observed.js';

/** Version of the plan and report JSON documents; bump on any incompatible change. */
export const PLAN_FORMAT_VERSION = 1;

/** Role of a container kafkaform manages. */
export type ContainerRole = 'kafka' | 'service';

/** Create a container that does not exist, then start it. */
export interface ContainerCreateAction {
  kind: 'container.create';
  name: string;
  role: ContainerRole;
  image: string;
  /** Hash of the configuration it will be created from (also stored as a label). */
  configHash: string;
  /** The image is absent locally and will be pulled first. */
  pull: boolean;
  reason: string;
}

/** Start an existing container whose configuration is current but which is not running. */
export interface ContainerStartAction {
  kind: 'container.start';
  name: string;
  role: ContainerRole;
  reason: string;
}

/** Remove and create again a container whose configuration changed; Kafka nodes go one at a time and keep their data volume. */
export interface ContainerRecreateAction {
  kind: 'container.recreate';
  name: string;
  role: ContainerRole;
  image: string;
  fromHash: string | null;
  configHash: string;
  pull: boolean;
  /** What changed, for display, e.g. ["image", "env KAFKA_LOG_RETENTION_MS"]. */
  changes: string[];
  reason: string;
}

/** Remove a container this project created and the spec no longer declares (needs opt-in). */
export interface ContainerRemoveAction {
  kind: 'container.remove';
  name: string;
  role: ContainerRole;
  /** Also remove its labelled volumes (destroy --volumes). */
  volumes: string[];
  reason: string;
}

/** Wait until every declared Kafka node is listed by describeCluster and metadata answers. */
export interface ClusterWaitAction {
  kind: 'cluster.wait';
  bootstrapServers: string[];
  nodes: number;
  reason: string;
}

/** Create a topic. Null partitions/replicationFactor: the broker's default (-1 in CreateTopics). */
export interface TopicCreateAction {
  kind: 'topic.create';
  topic: string;
  partitions: number | null;
  replicationFactor: number | null;
  config: Record<string, string>;
  reason: string;
}

/** Add partitions (Kafka cannot remove them). */
export interface TopicAddPartitionsAction {
  kind: 'topic.addPartitions';
  topic: string;
  from: number;
  to: number;
  reason: string;
}

/**
 * One entry of a config change: set (from → to), pin (the effective value already equals the spec's but is
 * inherited, so it becomes a topic override), or unset (to = null, the override is removed).
 */
export interface ConfigChange {
  key: string;
  op: 'set' | 'pin' | 'unset';
  /** Current effective value; null when none is reported. */
  from: string | null;
  to: string | null;
  /** Where the current value comes from. */
  source: ConfigSource;
}

/**
 * Change a topic's config overrides. `incremental` (IncrementalAlterConfigs): apply sends exactly `changes`,
 * SET per set/pin and DELETE per unset, and leaves every other override alone. `replace` (AlterConfigs, only
 * for brokers without IncrementalAlterConfigs): `overrides` is the complete override set after the change and
 * is sent as is, so an override set after the plan is lost.
 */
export interface TopicAlterConfigAction {
  kind: 'topic.alterConfig';
  topic: string;
  method: 'incremental' | 'replace';
  changes: ConfigChange[];
  /** Only with method `replace`: the whole override set to send. */
  overrides?: Record<string, string>;
  reason: string;
}

/** Change the replication factor by reassigning partitions; apply waits for the reassignment to finish. */
export interface TopicReassignAction {
  kind: 'topic.reassign';
  topic: string;
  from: number;
  to: number;
  /** Target replicas of every partition, preferred leader first. */
  assignments: { partition: number; replicas: number[] }[];
  /** Bytes the new replicas copy (from DescribeLogDirs); absent when sizes were not observed. */
  moveBytes?: number;
  reason: string;
}

/**
 * Record this project as the owner of a declared topic that exists without an owner record (created outside
 * kafkaform), or, with --take-ownership, of one owned by another project. Writes the usual ownership record only.
 */
export interface TopicAdoptAction {
  kind: 'topic.adopt';
  topic: string;
  /** The project that owned it before; null when nobody did. */
  from: string | null;
  reason: string;
}

/** Delete a topic this project created (needs opt-in). */
export interface TopicDeleteAction {
  kind: 'topic.delete';
  topic: string;
  reason: string;
}

/** Produce one seed entry's messages, exactly once (recorded in the state topic). */
export interface SeedProduceAction {
  kind: 'seed.produce';
  topic: string;
  entryId: string;
  hash: string;
  count: number;
  /** Where the messages come from, e.g. "seeds/purchases.jsonl", "inline", "generated". */
  source: string;
  reason: string;
  /** When the topic was deleted since the entry was produced: the producedAt of its newest record then. Records up to it are of the deleted topic and do not count as produced. */
  supersedes?: string;
}

/** Every change kafkaform can plan. Plain data: nothing here knows how to execute itself. */
export type Action =
  | ContainerCreateAction
  | ContainerStartAction
  | ContainerRecreateAction
  | ContainerRemoveAction
  | ClusterWaitAction
  | TopicCreateAction
  | TopicAddPartitionsAction
  | TopicAlterConfigAction
  | TopicReassignAction
  | TopicDeleteAction
  | TopicAdoptAction
  | SeedProduceAction
  | AccessAction;

/** The discriminant of Action. */
export type ActionKind = Action['kind'];

/** Stable codes of plan diagnostics. Never renumber or reuse. */
export const DiagnosticCodes = {
  PARTITION_DECREASE: 'P001',
  REPLICATION_EXCEEDS_BROKERS: 'P002',
  DELETE_NOT_ALLOWED: 'P003',
  NOT_OWNED: 'P004',
  REASSIGNMENT_IN_PROGRESS: 'P005',
  SEED_CHANGED: 'P006',
  SEED_TOPIC_UNKNOWN: 'P007',
  CONTAINER_REMOVE_NOT_ALLOWED: 'P008',
  CONTAINER_NAME_CONFLICT: 'P009',
  INTERNAL_TOPIC: 'P010',
  CLUSTER_UNKNOWN: 'P011',
  OWNED_BY_OTHER_PROJECT: 'P012',
  UNKNOWN_TOPIC_CONFIG: 'P013',
  CONFIG_FULL_REPLACE: 'P014',
  NO_AUTHORIZER: 'P030',
  USER_PASSWORD_UNCHECKED: 'P031',
  SEED_MESSAGE_TOO_LARGE: 'P020',
  SEED_OLDER_THAN_RETENTION: 'P021',
  BROKER_REFUSES: 'P022',
  CONTAINER_NOTE: 'P023',
} as const;

/** One of the stable diagnostic codes. */
export type DiagnosticCode = (typeof DiagnosticCodes)[keyof typeof DiagnosticCodes];

/**
 * A finding of the planner. Any error-severity diagnostic makes the plan unappliable; a warning counts as a change
 * for `plan --detailed-exitcode`; a note is information only (it never blocks and never counts as a change).
 */
export interface Diagnostic {
  code: DiagnosticCode | LintCode;
  severity: 'error' | 'warning' | 'note';
  message: string;
  hint?: string;
  at?: SourcePos;
  /** The topic or container it is about. */
  subject?: string;
  /** Lint only: the field or config key of the change it is about ("partitions", "retention.ms", ...). */
  key?: string;
  /** Lint only: the opt-in that turned this refusal into a warning ("--allow L001", "allow: [L001] at f:l:c"). */
  allowedBy?: string;
}

/** A spec value that already equals the effective inherited value. The planner no longer produces these (declared values are pinned as overrides); kept so plan documents keep their shape. */
export interface NoopNote {
  topic: string;
  key: string;
  value: string;
  source: ConfigSource;
}

/** Counts for the "Plan: N to create, N to change, N to delete" line. */
export interface PlanSummary {
  create: number;
  change: number;
  delete: number;
}

/** A plan: ordered actions plus what the planner noticed. Versioned, plain JSON. */
export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  project: string;
  /** In execution order: containers, then cluster.wait, then topics, then seeds, deletes last. */
  actions: Action[];
  diagnostics: Diagnostic[];
  noops: NoopNote[];
  /** Topics in the cluster that the spec does not declare and kafkaform will not touch (internal ones excluded). */
  unmanaged: string[];
  summary: PlanSummary;
  /**
   * Present when the cluster could not be observed (its containers are down or not created yet): every topic.* and
   * seed.* action is then a guess (all creates, all unproduced) that apply plans again once the cluster is up.
   */
  provisional?: { reason: string };
}

/** The result of one executed action. */
export interface ActionResult {
  action: Action;
  status: 'applied' | 'failed';
  durationMs: number;
  /** Why it failed: the stable code, the message, and the fix when the error names one. */
  error?: { code: string; message: string; hint?: string };
}

/** What apply did: applied, failed, and still-pending actions; converged is true when the re-observed plan is empty. */
export interface ApplyReport {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  project: string;
  applied: ActionResult[];
  failed: ActionResult[];
  pending: Action[];
  converged: boolean;
  /** The plan after apply, when re-observed; empty actions when converged. */
  after: Plan | null;
}
