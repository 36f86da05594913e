import type { Spec } from '../spec/types.js';
import type { LintCode } from './lint-codes.js';

/** The digest of one seed entry, read without keeping its messages: identity, content hash, count and size limits (messages stay with src/seed). */
export interface SeedDigest {
  topic: string;
  /** Stable identity within the topic, e.g. "file:seeds/p.jsonl", "inline:0", "generate:load". */
  entryId: string;
  /** sha256 of the entry's content/definition; a different hash for the same entryId means it was edited. */
  hash: string;
  count: number;
  /** Display source: a relative file path, "inline" or "generated". */
  source: string;
  /** Encoded size of the entry's largest message as a record batch of one (checked against max.message.bytes); absent for generate entries, which are not rendered to plan. */
  largestMessageBytes?: number;
  /** Epoch ms of the entry's oldest explicit message timestamp; null when no message sets one. */
  oldestTimestampMs?: number | null;
  /** File entries: every message is its line's bytes as written, so the producer cuts lines without scanning them again (its hash check still guards the bytes). */
  verbatim?: boolean;
}

/** The planner's first input: what the user wants. */
export interface Desired {
  spec: Spec;
  seeds: SeedDigest[];
}

/** Planner switches from the command line. */
export interface PlanOptions {
  /** --allow-delete (or the spec's allowDelete): delete topics/containers this project created and no longer declares. */
  allowDelete: boolean;
  /** --reseed: produce seed entries again whose content changed since they were produced. */
  reseed: boolean;
  /** destroy mode: plan removal of everything this project created (containers, networks). */
  destroy: boolean;
  /** With destroy: also remove the project's volumes. */
  removeVolumes: boolean;
  /** --allow CODE: lint refusals opted into for every topic (src/plan/lint-codes.ts). */
  allow?: LintCode[];
  /** --no-adopt (or `adopt: false`): declared topics created outside kafkaform are managed but never owned. Default: adopt. */
  noAdopt?: boolean;
  /** --take-ownership: a declared topic owned by another project is adopted instead of being a plan error. */
  takeOwnership?: boolean;
  /** --rotate-passwords: set the declared password of every declared SCRAM user that exists (once per run: keyed by `now`). */
  rotatePasswords?: boolean;
  /** Epoch ms the plan is made at, for time-based findings (seed timestamps past retention); skipped when absent. */
  now?: number;
}
