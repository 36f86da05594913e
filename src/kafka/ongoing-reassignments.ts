import type { KafkaConnection } from './client.js';
import { protocolError, sendRaw } from './kafkajs-internals.js';
import { int32, NO_TAGS, Reader, uvarint } from './wire.js';

// The topics with a partition reassignment in progress, in one ListPartitionReassignments v0 (Kafka 2.4+) that
// names no topic: the broker lists every ongoing one, usually none. kafkajs' admin call refreshes the metadata
// of every topic before it, and naming each partition of a thousand topics took it longer to encode than the
// broker took to answer. v0 is a flexible version: bodies start with the headers' tagged fields (wire.ts).

const LIST_PARTITION_REASSIGNMENTS = 46;

/** The request body: header tags, timeout_ms, topics null (every ongoing reassignment), tags. */
export function encodeListAllReassignments(timeoutMs: number): Buffer {
  return Buffer.concat([NO_TAGS, int32(timeoutMs), uvarint(0), NO_TAGS]);
}

/** The names of the topics the response lists with at least one partition; a top-level error throws kafkajs' protocol error. */
export function decodeListReassignments(body: Buffer): string[] {
  const r = new Reader(body, 'ListPartitionReassignments response');
  r.tags();
  r.int32(); // throttle_time_ms
  const errorCode = r.int16();
  const errorMessage = r.compactNullableString();
  const topics = r.compactArray((t) => {
    const name = t.compactString();
    const partitions = t.compactArray((p) => {
      p.int32(); // partition_index
      p.compactArray((x) => x.int32()); // replicas
      p.compactArray((x) => x.int32()); // adding_replicas
      p.compactArray((x) => x.int32()); // removing_replicas
      p.tags();
      return true;
    });
    t.tags();
    return { name, partitions: partitions.length };
  });
  r.tags();
  r.end();
  if (errorCode !== 0) throw protocolError(errorCode, errorMessage);
  return topics.filter((t) => t.partitions > 0).map((t) => t.name);
}

/** The topics with an ongoing partition reassignment, in the whole cluster. */
export async function ongoingReassignments(conn: KafkaConnection): Promise<Set<string>> {
  const body = await sendRaw(conn, { apiKey: LIST_PARTITION_REASSIGNMENTS, apiVersion: 0, apiName: 'ListPartitionReassignments', body: encodeListAllReassignments(5000) });
  return new Set(decodeListReassignments(body));
}
