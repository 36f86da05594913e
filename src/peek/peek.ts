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
  /** Stopped by the limit: at most this many records are left after the last shown (0 when none). */
  more: number;
  /** Offsets of a partition skipped numbers between shown messages (transaction markers, aborted records). */
  gaps: boolean;
}

/** Messages `peek` shows on a terminal when no --limit is given: a page, not the whole topic (--help in cli/run.ts says 100). */
export const PEEK_PAGE = 100;

/**
 * Prints a topic's messages without joining a consumer group or committing offsets (readTopic), so peeking
 * never moves anyone's position. Only committed records are shown, as read_committed consumers see them.
 * Unknown topic or partition: TOPIC_NOT_FOUND; bad options: USAGE.
 */
export async function peek(conn: KafkaConnection, opts: PeekOptions): Promise<PeekResult> {
  const read: ReadOptions = { topic: opts.topic, end: opts.follow ? 'follow' : 'latest' };
  if (opts.limit !== undefined) {
    if (!Number.isSafeInteger(opts.limit) || opts.limit < 1) throw usage(`--limit must be a positive integer (1, 2, ...), got "${opts.limit}"`);
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
  let gaps = false;
  const last = new Map<number, bigint>();
  for await (const m of readTopic(conn, read)) {
    messages++;
    const offset = BigInt(m.offset);
    const prev = last.get(m.partition);
    if (prev !== undefined && offset !== prev + 1n) gaps = true;
    last.set(m.partition, offset);
    if (opts.json) opts.write(formatMessageJson(m));
    else for (const line of formatMessageText(m, { color: opts.color })) opts.write(line);
  }
  const more = read.limit !== undefined && messages >= read.limit && !opts.follow ? await recordsAfter(conn, opts, last) : 0;
  return { messages, more, gaps };
}

/** Records after the last shown one in each read partition: an upper bound of messages (markers take offsets too). */
async function recordsAfter(conn: KafkaConnection, opts: PeekOptions, last: Map<number, bigint>): Promise<number> {
  const offsets = await (await conn.admin()).fetchTopicOffsets(opts.topic);
  let more = 0n;
  for (const o of offsets) {
    if (opts.partition !== undefined && o.partition !== opts.partition) continue;
    const shown = last.get(o.partition);
    const from = shown !== undefined ? shown + 1n : opts.fromOffset !== undefined ? BigInt(opts.fromOffset) : BigInt(o.low);
    const start = from < BigInt(o.low) ? BigInt(o.low) : from;
    if (BigInt(o.high) > start) more += BigInt(o.high) - start;
  }
  return Number(more);
}

/** The lines peek prints on stderr after the messages: what was left out, and why offsets skip numbers. */
export function peekFooter(result: PeekResult, topic: string): string[] {
  const out: string[] = [];
  if (result.more > 0) {
    out.push(`Showed ${result.messages} messages; up to ${result.more} more records in ${topic}. Use --limit N to show more, or --partition P --from-offset O to continue.`);
  }
  if (result.gaps) {
    out.push('Offsets skip numbers: transaction markers (seeds are written in transactions) and aborted records take offsets but are not messages.');
  }
  return out;
}

function usage(message: string): KafkaformError {
  return new KafkaformError(ErrorCodes.USAGE, message, { hint: 'kafkaform peek TOPIC [--limit N] [--follow] [--partition P] [--from-offset O] [--json]' });
}
