import { ErrorCodes, KafkaformError } from '../errors.js';
import type { KafkaConnection } from '../kafka/client.js';
import { readTopic, type ReadOptions } from '../kafka/fetch.js';
import { formatMessageJson, formatMessageText } from './format.js';

/** Options of `kafkaform peek TOPIC`. */
export interface PeekOptions {
  topic: string;
  /** Stop after this many messages (positive integer). */
  limit?: number;
  /** Keep reading new messages until `signal` aborts (otherwise stop at the end seen at the start). */
  follow?: boolean;
  /** Read only this partition. */
  partition?: number;
  /** First offset to read in each partition (decimal); the beginning of the log by default. */
  fromOffset?: string;
  /** One JSON object per message and line instead of the readable form. */
  json?: boolean;
  color: boolean;
  /** Receives output lines without their newline. */
  write: (line: string) => void;
  signal?: AbortSignal;
}

/** What peek read. */
export interface PeekResult {
  messages: number;
}

/**
 * Prints a topic's messages without joining a consumer group or committing offsets (readTopic), so peeking
 * never moves anyone's position. Only committed records are shown, as read_committed consumers see them.
 * Unknown topic or partition: TOPIC_NOT_FOUND; bad options: USAGE.
 */
export async function peek(conn: KafkaConnection, opts: PeekOptions): Promise<PeekResult> {
  const read: ReadOptions = { topic: opts.topic, end: opts.follow ? 'follow' : 'latest' };
  if (opts.limit !== undefined) {
    if (!Number.isSafeInteger(opts.limit) || opts.limit < 1) throw usage(`--limit must be a positive integer, got ${opts.limit}`);
    read.limit = opts.limit;
  }
  if (opts.partition !== undefined) {
    if (!Number.isSafeInteger(opts.partition) || opts.partition < 0) throw usage(`--partition must be a partition number (0, 1, ...), got ${opts.partition}`);
    read.partitions = [opts.partition];
  }
  if (opts.fromOffset !== undefined) {
    if (!/^\d+$/.test(opts.fromOffset)) throw usage(`--from-offset must be an offset (0, 1, ...), got "${opts.fromOffset}"`);
    read.from = opts.fromOffset;
  }
  if (opts.signal) read.signal = opts.signal;
  let messages = 0;
  for await (const m of readTopic(conn, read)) {
    messages++;
    if (opts.json) opts.write(formatMessageJson(m));
    else for (const line of formatMessageText(m, { color: opts.color })) opts.write(line);
  }
  return { messages };
}

function usage(message: string): KafkaformError {
  return new KafkaformError(ErrorCodes.USAGE, message, { hint: 'kafkaform peek TOPIC [--limit N] [--follow] [--partition P] [--from-offset O] [--json]' });
}
