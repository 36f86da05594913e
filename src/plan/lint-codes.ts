/**
 * Stable codes of the safety lint (src/plan/lint.ts). L-codes are a range of their own, apart from the
 * planner's P-codes: a P-code says the plan cannot express the spec, an L-code says the plan can but a
 * change would destroy data or hurt the cluster. Never renumber or reuse.
 */
export const LintCodes = {
  RETENTION_LOWERED: 'L001',
  COMPACTION_ADDED: 'L002',
  MAX_MESSAGE_BYTES_LOWERED: 'L003',
  UNCLEAN_LEADER_ELECTION: 'L004',
  PARTITIONS_ABOVE_CAP: 'L005',
  SEGMENT_TOO_SMALL: 'L006',
  REPLICATION_FACTOR_ONE: 'L007',
  MIN_ISR_NOT_BELOW_RF: 'L008',
  CLUSTER_PARTITIONS_EXCEEDED: 'L009',
  REASSIGNMENT_MOVES_BYTES: 'L010',
} as const;

/** One of the lint codes. */
export type LintCode = (typeof LintCodes)[keyof typeof LintCodes];

/** Every lint code, in order. */
export const LINT_CODES: readonly LintCode[] = Object.values(LintCodes);

/** Codes an opt-in (`--allow CODE`, or a topic's `allow: [CODE]`) turns from an error into a warning. */
export const OPT_IN_CODES: readonly LintCode[] = ['L001', 'L002', 'L003', 'L004', 'L006', 'L009', 'L010'];

/** Codes a topic's `allow:` list may name: L009 is about the whole cluster, so only `--allow L009` takes it. */
export const TOPIC_OPT_IN_CODES: readonly LintCode[] = OPT_IN_CODES.filter((c) => c !== 'L009');

/** True for a string that is one of the lint codes. */
export function isLintCode(s: string): s is LintCode {
  return (LINT_CODES as readonly string[]).includes(s);
}

/** Thresholds of the lint; each is documented in the README next to its code. */
export const LintLimits = {
  /** L005: partitions per topic unless the topic raises it with `maxPartitions` (the schema caps that at 100,000). */
  PARTITIONS_PER_TOPIC: 10_000,
  /** L006: segment.ms below this rolls segments constantly (1 minute). */
  MIN_SEGMENT_MS: 60_000,
  /** L006: segment.bytes below this rolls segments constantly under load (16 MiB; Kafka's own floor is 1 MiB). */
  MIN_SEGMENT_BYTES: 16_777_216,
  /** L009: partition replicas one broker is expected to hold (Kafka's usual guidance). */
  REPLICAS_PER_BROKER: 4_000,
  /** L009: the plan is refused when it exceeds brokers × REPLICAS_PER_BROKER by this factor. */
  CLUSTER_MARGIN: 2,
  /** L010: a reassignment copying more bytes than this (1 GiB) needs the opt-in. */
  REASSIGN_BYTES: 1_073_741_824,
} as const;
