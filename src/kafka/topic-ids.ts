import { ErrorCodes, KafkaformError } from '../errors.js';
import type { KafkaConnection } from './client.js';
import { connectedBroker, errorCodeName, sendVersionedRequest, wireEncoder, type VersionedBroker, type WireDecoder } from './kafkajs-internals.js';

// Kafka names every topic with a 16-byte ID that a re-created topic of the same name does not share
// (Metadata v10+, Kafka 2.8+). kafkajs 2.2.4 stops at Metadata v6, so the two requests that need IDs are
// framed here: Metadata v10-12 (name → ID) and DeleteTopics v6 (delete by ID, never by name).

const METADATA = 3;
const DELETE_TOPICS = 20;
/** The all-zero ID Kafka reports when it has none. */
const ZERO_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Kafka's protocol error name of a code ("NONE" for 0). */
export const errorName = errorCodeName;

/** A topic's ID in Kafka's own text form (URL-safe base64, no padding), as `kafka-topics --describe` shows it. */
export function formatTopicId(raw: Buffer): string {
  return raw.toString('base64url');
}

/** The 16 bytes of a topic ID in text form. */
function parseTopicId(id: string): Buffer {
  const raw = Buffer.from(id, 'base64url');
  if (raw.length !== 16) throw new KafkaformError(ErrorCodes.INTERNAL, `"${id}" is not a topic ID; this is a bug, please report it`);
  return raw;
}

/** Any broker of the connection (KRaft forwards admin requests to the controller). */
async function anyBroker(conn: KafkaConnection): Promise<VersionedBroker> {
  const cluster = await conn.internal();
  await cluster.refreshMetadataIfNecessary();
  return cluster.findControllerBroker();
}

/** One partition of a Metadata answer. */
export interface MetadataPartition {
  /** Kafka error code of the partition (0: none). */
  errorCode: number;
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** One topic of a Metadata answer: its Kafka error code (0: none) and its ID (null when it has none). */
export interface MetadataTopic {
  name: string;
  errorCode: number;
  id: string | null;
  partitions: MetadataPartition[];
}

/** A Metadata v10-12 answer: the brokers and the topics asked for. */
export interface ClusterMetadata {
  brokers: { nodeId: number; host: string; port: number }[];
  topics: MetadataTopic[];
}

/** Sends Metadata v10-12 for the named topics (every topic when absent) to `broker`. */
function sendMetadata(conn: KafkaConnection, broker: VersionedBroker, topics?: string[]): Promise<ClusterMetadata> {
  conn.count('Metadata');
  return sendVersionedRequest(broker, {
    apiKey: METADATA,
    apiName: 'Metadata',
    versions: [10, 11, 12],
    encode: (version) => {
      const e = wireEncoder().writeUVarInt(0); // request header tagged fields
      if (topics) {
        e.writeUVarIntArray(topics.map((t) => wireEncoder().writeBuffer(Buffer.alloc(16)).writeUVarIntString(t).writeUVarInt(0)));
      } else {
        e.writeUVarInt(0); // null array: every topic
      }
      e.writeBoolean(false); // allow_auto_topic_creation
      if (version <= 10) e.writeBoolean(false); // include_cluster_authorized_operations
      e.writeBoolean(false); // include_topic_authorized_operations
      return e.writeUVarInt(0);
    },
    decode: (version, d) => decodeMetadata(version, d),
  });
}

/**
 * The current ID of each named topic (all topics when `topics` is absent); a topic that does not exist is
 * left out. Throws KAFKA_REQUEST_FAILED (kafkaError UNSUPPORTED_VERSION) on brokers older than Kafka 2.8.
 */
export async function fetchTopicIds(conn: KafkaConnection, topics?: string[]): Promise<Map<string, string>> {
  if (topics && topics.length === 0) return new Map();
  return topicIds(await sendMetadata(conn, await anyBroker(conn), topics));
}

/** Name → ID of every topic answered without error (or still electing leaders) that has an ID. */
export function topicIds(metadata: ClusterMetadata): Map<string, string> {
  const out = new Map<string, string>();
  // A topic still electing leaders (LEADER_NOT_AVAILABLE) already has its ID; an unknown one has none.
  for (const t of metadata.topics) if (t.id !== null && (t.errorCode === 0 || errorName(t.errorCode) === 'LEADER_NOT_AVAILABLE')) out.set(t.name, t.id);
  return out;
}

/**
 * Brokers, and every topic with its partitions and ID, in one Metadata v10+ request to the connection's seed
 * broker: it needs no metadata of kafkajs' own, whose every refresh would fetch all topics again.
 */
export async function fetchClusterMetadata(conn: KafkaConnection): Promise<ClusterMetadata> {
  return sendMetadata(conn, await connectedBroker(conn));
}

/** Decodes a Metadata v10-12 response body: brokers, and every topic with a name, with its partitions (a zero ID reads as null). */
export function decodeMetadata(version: number, d: WireDecoder): ClusterMetadata {
  d.readTaggedFields(); // response header
  d.readInt32(); // throttle_time_ms
  const brokers =
    d.readUVarIntArray((b) => {
      const nodeId = b.readInt32();
      const host = b.readUVarIntString() ?? '';
      const port = b.readInt32();
      b.readUVarIntString(); // rack
      b.readTaggedFields();
      return { nodeId, host, port };
    }) ?? [];
  d.readUVarIntString(); // cluster_id
  d.readInt32(); // controller_id
  const int32s = (r: WireDecoder): number => r.readInt32();
  const topics: MetadataTopic[] = [];
  d.readUVarIntArray((t) => {
    const error = t.readInt16();
    const name = t.readUVarIntString();
    const id = formatTopicId(Buffer.from(t.readBytes(16)));
    t.readBoolean(); // is_internal
    const partitions =
      t.readUVarIntArray((p) => {
        const errorCode = p.readInt16();
        const partitionId = p.readInt32();
        const leader = p.readInt32();
        p.readInt32(); // leader_epoch
        const replicas = p.readUVarIntArray(int32s) ?? [];
        const isr = p.readUVarIntArray(int32s) ?? [];
        p.readUVarIntArray(int32s); // offline_replicas
        p.readTaggedFields();
        return { errorCode, partitionId, leader, replicas, isr };
      }) ?? [];
    t.readInt32(); // topic_authorized_operations
    t.readTaggedFields();
    if (name !== null) topics.push({ name, errorCode: error, id: id === ZERO_ID ? null : id, partitions });
  });
  if (version <= 10) d.readInt32(); // cluster_authorized_operations
  return { brokers, topics };
}

/** The outcome of deleting one topic by ID: its Kafka error name, or null when deleted. */
export type DeleteByIdResult = Map<string, string | null>;

/**
 * Deletes topics by ID (DeleteTopics v6): a topic re-created under the same name has another ID and is
 * never touched. Answers per ID; UNKNOWN_TOPIC_ID means no topic with that ID exists (any more).
 */
export async function deleteTopicsById(conn: KafkaConnection, ids: string[], timeoutMs: number): Promise<DeleteByIdResult> {
  const broker = await anyBroker(conn);
  conn.count('DeleteTopics');
  return sendVersionedRequest(broker, {
    apiKey: DELETE_TOPICS,
    apiName: 'DeleteTopics',
    versions: [6],
    encode: () =>
      wireEncoder()
        .writeUVarInt(0)
        .writeUVarIntArray(ids.map((id) => wireEncoder().writeUVarIntString(null).writeBuffer(parseTopicId(id)).writeUVarInt(0)))
        .writeInt32(timeoutMs)
        .writeUVarInt(0),
    decode: (_version, d) => {
      d.readTaggedFields();
      d.readInt32();
      const out: DeleteByIdResult = new Map();
      d.readUVarIntArray((r) => {
        r.readUVarIntString();
        const id = formatTopicId(Buffer.from(r.readBytes(16)));
        const code = r.readInt16();
        r.readUVarIntString();
        r.readTaggedFields();
        out.set(id, code === 0 ? null : errorName(code));
      });
      return out;
    },
  });
}
