import type { SeedSpec } from '../spec/types.js';
import type { SeedBatch } from '../plan/desired.js';

/** One message ready to produce: bytes, not templates. */
export interface SeedMessage {
  key: Buffer | null;
  /** null is a tombstone. */
  value: Buffer | null;
  headers: Record<string, string>;
  /** Explicit partition; null lets the producer's partitioner choose (by key hash, else round-robin). */
  partition: number | null;
  /** Epoch ms as a decimal string; null means "when produced". */
  timestamp: string | null;
}

/** A seed entry with its source read: the planner's SeedBatch plus the messages and the topic's compression. */
export interface MaterialisedSeed extends SeedBatch {
  compression: SeedSpec['compression'];
  /** Exactly `count` messages, in production order; empty when materialised for planning only (keepMessages: false). */
  messages: SeedMessage[];
}
