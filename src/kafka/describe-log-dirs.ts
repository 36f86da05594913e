// DescribeLogDirs (API key 35), which kafkajs lacks, encoded here for version 1: the oldest Kafka 4 still
// serves, non-flexible (kafkajs frames requests with header v1 only). Pure encoding and decoding; sending goes
// through the raw-request door in src/kafka/kafkajs-internals.ts.
//
// DescribeLogDirs Request (Version: 1) => [topics]
//   topics => topic:STRING [partitions:INT32]
// DescribeLogDirs Response (Version: 1) => throttle_time_ms:INT32 [results]
//   results => error_code:INT16 log_dir:STRING [topics]
//     topics => name:STRING [partitions]
//       partitions => partition_index:INT32 partition_size:INT64 offset_lag:INT64 is_future_key:BOOLEAN

import { array, int32, Reader, string } from './wire.js';

/** The API key of DescribeLogDirs. */
export const DESCRIBE_LOG_DIRS_KEY = 35;

/** The version we encode. */
export const DESCRIBE_LOG_DIRS_VERSION = 1;

/** One partition's size on one broker, as DescribeLogDirs reports it. */
export interface LogDirPartition {
  topic: string;
  partition: number;
  size: number;
}

/** The request body (after the header) of version 1, asking for these partitions. */
export function encodeDescribeLogDirs(topics: { topic: string; partitions: number[] }[]): Buffer {
  return Buffer.concat(array(topics, (t) => [string(t.topic), ...array(t.partitions, (p) => [int32(p)])]));
}

/**
 * Decodes a version 1 response body, flattened to one entry per replica on the broker. A log dir with an error
 * (offline disk) contributes nothing, nor does a future replica (one being moved between dirs).
 */
export function decodeDescribeLogDirsResponse(body: Buffer): LogDirPartition[] {
  const r = new Reader(body, 'DescribeLogDirs response');
  r.int32(); // throttle_time_ms
  const dirs = r.array((dir) => {
    const errorCode = dir.int16();
    dir.nullableString(); // log_dir
    const topics = dir.array((t) => {
      const topic = t.nullableString() ?? '';
      const parts = t.array((p) => {
        const partition = p.int32();
        const size = Number(p.int64());
        p.int64(); // offset_lag
        const future = p.boolean();
        return { partition, size, future };
      });
      return { topic, parts };
    });
    return { errorCode, topics };
  });
  const out: LogDirPartition[] = [];
  for (const dir of dirs) {
    if (dir.errorCode !== 0) continue;
    for (const t of dir.topics) for (const p of t.parts) if (!p.future) out.push({ topic: t.topic, partition: p.partition, size: p.size });
  }
  return out;
}
