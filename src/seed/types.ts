import type { SeedSpec } from '../spec/types.js';
import type { SeedDigest } from '../plan/desired.js';

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

/** A seed entry with every message read (tests and small seeds): the planner's SeedDigest plus the messages and the topic's compression. */
export interface MaterialisedSeed extends SeedDigest {
  compression: SeedSpec['compression'];
  /** Exactly `count` messages, in production order. */
  messages: SeedMessage[];
}
