import { createRequire } from 'node:module';
import type { IHeaders, Kafka } from 'kafkajs';
import { ErrorCodes, KafkaformError } from '../errors.js';
import { MALFORMED_RESPONSE } from './errors.js';

// kafkajs offers no groupless fetch, no raw-batch transactional produce, no DescribeLogDirs and no
// IncrementalAlterConfigs. Those reach past its public API: into its internal cluster and broker objects,
// its private symbols, its request framing and its record-batch filtering. This file is the one place that
// does so (test/unit/kafka/one-door-to-kafkajs.test.ts fails when another file does), so a kafkajs upgrade or a
// client swap has one file to change: the shapes below are what we rely on, typed once.

const require = createRequire(import.meta.url);

/** What the door needs of a connection (KafkaConnection has it): its shared internal cluster and request counting. */
export interface RawConnection {
  internal(): Promise<InternalCluster>;
  /** A second internal cluster with sockets of its own, for large one-off answers (see sendRaw). */
  bulk(): Promise<InternalCluster>;
  count(apiName: string): void;
}
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode(code: number): unknown };
const { requests } = require('kafkajs/src/protocol/requests') as { requests: Record<string, unknown> };
const Batch = require('kafkajs/src/consumer/batch') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: FetchPartition,
) => { messages: FetchRecord[]; lastOffset(): string; isEmptyIncludingFiltered(): boolean };

const PRODUCE_API_KEY = 0;

/** A request kafkajs can frame: apiKey/version/name and an encoder, plus a response decoder. */
export interface KafkajsProtocol {
  request: { apiKey: number; apiVersion: number; apiName: string; expectResponse?(): boolean; encode(): Promise<unknown> };
  response: { decode(raw: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
}

/** One partition of a Fetch response, as kafkajs decodes it (records of every batch, control records included). */
export interface FetchPartition {
  partition: number;
  highWatermark: string;
  abortedTransactions?: { producerId: string; firstOffset: string }[];
  messages: unknown[];
}

/** A record of a fetched partition, as kafkajs decodes it. */
export interface FetchRecord {
  offset: string;
  /** Epoch ms as a decimal string. */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

/** A kafkajs Metadata response, as one broker answers it. */
export interface BrokerMetadata {
  topicMetadata: { topic: string; topicErrorCode: number; partitionMetadata: unknown[] }[];
}

/** A DescribeConfigs entry as kafkajs parses it. */
export interface ConfigEntry {
  configName: string;
  configValue: string | null;
  configSource?: number;
}

/** The slice of a kafkajs internal broker (one broker's connection) that kafkaform uses. */
export interface InternalBroker {
  nodeId: number;
  /** The broker's ApiVersions answer once connected, by API key. */
  versions: Record<number, { minVersion: number; maxVersion: number }> | null;
  connect(): Promise<void>;
  fetch(request: {
    replicaId: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{ responses: { topicName: string; partitions: FetchPartition[] }[] }>;
  metadata(topics: string[]): Promise<BrokerMetadata>;
  listOffsets(a: {
    replicaId?: number;
    isolationLevel: number;
    topics: { topic: string; partitions: { partition: number; timestamp: number }[] }[];
  }): Promise<{ responses: { topic: string; partitions: { partition: number; timestamp: string; offset: string }[] }[] }>;
  describeConfigs(a: { resources: { type: number; name: string }[]; includeSynonyms: boolean }): Promise<{ resources: { configEntries: ConfigEntry[] }[] }>;
  alterConfigs(a: { validateOnly: boolean; resources: { type: number; name: string; configEntries: { name: string; value: string }[] }[] }): Promise<unknown>;
  initProducerId(a: { transactionalId: string; transactionTimeout: number }): Promise<{ producerId: string; producerEpoch: number }>;
  addPartitionsToTxn(a: { transactionalId: string; producerId: string; producerEpoch: number; topics: { topic: string; partitions: number[] }[] }): Promise<unknown>;
  endTxn(a: { transactionalId: string; producerId: string; producerEpoch: number; transactionResult: boolean }): Promise<unknown>;
  lookupRequest(apiKey: number, definition: unknown): (args: Record<string, unknown>) => KafkajsProtocol;
}

/** The slice of a kafkajs internal cluster (broker pool plus metadata cache) that kafkaform uses. */
export interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number; leader: number }[];
  findBroker(a: { nodeId: number }): Promise<InternalBroker>;
  /** coordinatorType 1 finds a transaction coordinator (groupId is then the transactional id). */
  findGroupCoordinator(a: { groupId: string; coordinatorType: number }): Promise<InternalBroker>;
  fetchTopicsOffset(
    topics: { topic: string; partitions: { partition: number }[]; fromBeginning: boolean }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  brokerPool?: { seedBroker?: InternalBroker };
  refreshMetadataIfNecessary(): Promise<void>;
  /** Any connected broker in KRaft (the "controller" kafkajs reports is a random broker there). */
  findControllerBroker(): Promise<InternalBroker>;
}

/**
 * A new kafkajs internal cluster for the client's brokers, reading with read_committed isolation: fetches skip
 * aborted transactions and ListOffsets answers the last stable offset. The caller connects and disconnects it
 * (KafkaConnection.internal() keeps one per connection).
 */
export function createInternalCluster(kafka: Kafka): InternalCluster {
  const target = kafka as unknown as Record<symbol, unknown>;
  const symbol = Object.getOwnPropertySymbols(target).find((s) => s.description === 'private:Kafka:createCluster');
  if (!symbol) throw new KafkaformError(ErrorCodes.INTERNAL, 'this kafkajs version has no internal cluster factory; this is a bug, please report it');
  const create = target[symbol] as (o: object) => InternalCluster;
  return create({ allowAutoTopicCreation: false, metadataMaxAge: 60_000, isolationLevel: 1 });
}

/** Sends a request through a kafkajs internal broker's own request path (which re-authenticates SASL sessions when needed). */
export async function sendRequest(broker: object, protocol: KafkajsProtocol): Promise<unknown> {
  const proto = Object.getPrototypeOf(broker) as Record<symbol, unknown>;
  const symbol = Object.getOwnPropertySymbols(proto).find((s) => s.description === 'private:Broker:sendRequest');
  if (!symbol) throw new KafkaformError(ErrorCodes.INTERNAL, 'this kafkajs version has no broker request method; this is a bug, please report it');
  const send = proto[symbol] as (this: object, p: unknown) => Promise<unknown>;
  return send.call(broker, protocol);
}

/** A request whose body we encode ourselves (for APIs kafkajs lacks): header fields are added by kafkajs. */
export interface RawRequest {
  apiKey: number;
  apiVersion: number;
  /** Name used for request counting and kafkajs' debug log, e.g. "IncrementalAlterConfigs". */
  apiName: string;
  /** The request body after the header, encoded for a non-flexible version (kafkajs writes header v1 only). */
  body: Buffer;
}

/** kafkajs' form of a raw request: it frames `body` as is and hands back the response body after the correlation id. */
export function rawProtocol(req: RawRequest): KafkajsProtocol {
  return {
    request: {
      apiKey: req.apiKey,
      apiVersion: req.apiVersion,
      apiName: req.apiName,
      // kafkajs appends an encoder's bytes by reading `buf`/`buffer`; a plain holder of the finished body suffices.
      encode: () => Promise.resolve({ buf: req.body, buffer: req.body }),
    },
    response: { decode: (payload: Buffer) => Promise.resolve(payload), parse: (payload: unknown) => Promise.resolve(payload) },
  };
}

/** The connected seed broker of the connection's shared internal cluster (it has answered ApiVersions). */
async function seedBroker(conn: RawConnection, bulk = false): Promise<InternalBroker> {
  const cluster = await (bulk ? conn.bulk() : conn.internal());
  const broker = cluster.brokerPool?.seedBroker;
  if (!broker) throw new KafkaformError(ErrorCodes.INTERNAL, 'this kafkajs version has no seed broker; this is a bug, please report it');
  await broker.connect();
  return broker;
}

/** A connected broker that needs no metadata of kafkajs' own (the seed broker), for requests any broker answers. */
export function connectedBroker(conn: RawConnection): Promise<VersionedBroker> {
  return seedBroker(conn);
}

/** The version range the broker supports for `apiKey` (from its ApiVersions answer), or null when it lacks the API. */
export async function apiVersionRange(conn: RawConnection, apiKey: number): Promise<{ min: number; max: number } | null> {
  const range = (await seedBroker(conn)).versions?.[apiKey];
  return range ? { min: range.minVersion, max: range.maxVersion } : null;
}

/**
 * Sends a request we encoded through kafkajs' framing, authentication and socket handling, and returns the
 * response body after the correlation id (for a non-flexible version: no tagged fields in the header). Goes to
 * broker `nodeId`, or to any (the seed broker) when absent. Counted in conn.requests under `apiName`. A broker
 * answers one request per connection at a time: socket 'bulk' sends a large one on the connection's second
 * internal cluster, so the small reads on the first are not queued behind it.
 * Broker-level failures (connection lost, timeout) throw kafkajs' errors.
 */
export async function sendRaw(conn: RawConnection, req: RawRequest, nodeId?: number, socket: 'shared' | 'bulk' = 'shared'): Promise<Buffer> {
  const broker = nodeId === undefined ? await seedBroker(conn, socket === 'bulk') : await (await conn.internal()).findBroker({ nodeId });
  conn.count(req.apiName);
  return (await sendRequest(broker, rawProtocol(req))) as Buffer;
}

/** The fields of a transactional Produce request that kafkajs' request object carries besides the body. */
export interface ProduceHeader {
  transactionalId: string;
  /** Decimal string, kafkajs' form. */
  producerId: string;
  producerEpoch: number;
  timeoutMs: number;
}

/** kafkajs' parsed Produce response. */
export interface ProduceResponse {
  topics: { topicName: string; partitions: { partition: number; errorCode: number; baseOffset: string }[] }[];
}

/**
 * kafkajs' Produce request for `broker` at the version it negotiated (its apiVersion is visible before sending),
 * with the body replaced by `body`, pre-encoded record batches in the v3+ layout; kafkajs parses the response.
 */
export function produceProtocol(broker: Pick<InternalBroker, 'lookupRequest'>, header: ProduceHeader, body: Buffer): KafkajsProtocol {
  const protocol = broker.lookupRequest(PRODUCE_API_KEY, requests.Produce)({
    acks: -1,
    timeout: header.timeoutMs,
    transactionalId: header.transactionalId,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    topicData: [],
  });
  // kafkajs copies an encoder's `buffer` into the request frame; a view of our bytes saves one more copy.
  protocol.request.encode = () => Promise.resolve({ buf: body, buffer: body });
  return protocol;
}

/** A fetched partition's records after kafkajs' filtering (see decodeFetchedPartition). */
export interface FetchedPartition {
  /** Records at or after the fetch offset, aborted transactions' records and control records left out. */
  messages: FetchRecord[];
  /** Nothing at or after the fetch offset, not even a filtered record: caught up (or only a trailing marker before it). */
  empty: boolean;
  /** The offset of the last record at or after the fetch offset (control records count); where the next fetch starts minus one. */
  lastOffset: string;
}

/** Decodes a fetched partition as kafkajs' consumer does: drops records before `fetchOffset`, aborted ones and control records. */
export function decodeFetchedPartition(topic: string, fetchOffset: string, partition: FetchPartition): FetchedPartition {
  const batch = new Batch(topic, fetchOffset, partition);
  const empty = batch.isEmptyIncludingFiltered();
  return { messages: batch.messages, empty, lastOffset: empty ? fetchOffset : batch.lastOffset() };
}

/** kafkajs' protocol error for a Kafka error code (its `type` is the Kafka error name, e.g. "INVALID_CONFIG"). */
export function protocolError(code: number, message: string | null): Error {
  const err = createErrorFromCode(code) as Error;
  if (message) err.message = `${err.message} (${message})`;
  return err;
}

// Requests kafkajs 2.2.4 has no definition for (Metadata v10+ with topic IDs, DeleteTopics v6 by topic ID) are
// framed with its own Encoder/Decoder and sent through its broker connections, like the definitions it ships.

/** kafkajs' protocol encoder (compact and varint writers included). */
export interface WireEncoder {
  writeInt8(v: number): WireEncoder;
  writeInt16(v: number): WireEncoder;
  writeInt32(v: number): WireEncoder;
  writeBoolean(v: boolean): WireEncoder;
  writeBuffer(b: Buffer): WireEncoder;
  writeUVarInt(v: number): WireEncoder;
  writeUVarIntString(v: string | null): WireEncoder;
  writeUVarIntArray(items: WireEncoder[]): WireEncoder;
  writeUVarIntBytes(v?: Buffer | null): WireEncoder;
  writeEncoder(e: WireEncoder): WireEncoder;
  readonly buffer: Buffer;
}

/** kafkajs' protocol decoder. */
export interface WireDecoder {
  readInt8(): number;
  readInt16(): number;
  readInt32(): number;
  readBoolean(): boolean;
  readUVarInt(): number;
  readUVarIntString(): string | null;
  readUVarIntArray<T>(reader: (d: WireDecoder) => T): T[] | null;
  readTaggedFields(): void;
  readBytes(n: number): Buffer;
}

const EncoderClass = require('kafkajs/src/protocol/encoder') as new () => WireEncoder;
const DecoderClass = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => WireDecoder;

/** A fresh kafkajs encoder. */
export function wireEncoder(): WireEncoder {
  return new EncoderClass();
}

/** A kafkajs decoder over `buf`. */
export function wireDecoder(buf: Buffer): WireDecoder {
  return new DecoderClass(buf);
}

/** A request kafkajs does not define: the versions we implement, and how to encode and decode each. */
export interface RawRequestDefinition<T> {
  apiKey: number;
  apiName: string;
  /** Versions implemented, lowest first; the highest one the broker also supports is used. */
  versions: number[];
  encode(version: number): WireEncoder;
  decode(version: number, decoder: WireDecoder): T;
}

/** A kafkajs internal broker: just what raw requests need. */
export interface VersionedBroker {
  nodeId: number;
  lookupRequest(apiKey: number, definition: unknown): unknown;
}

/**
 * Sends a raw request to `broker` at the highest version both sides implement. Throws UNSUPPORTED_VERSION
 * (as a KafkaformError with that kafkaError detail) when the broker's highest version is below ours.
 */
export async function sendVersionedRequest<T>(broker: VersionedBroker, def: RawRequestDefinition<T>): Promise<T> {
  const definition = {
    versions: def.versions.map(String),
    protocol: ({ version }: { version: number }) => () => ({
      request: { apiKey: def.apiKey, apiVersion: version, apiName: def.apiName, expectResponse: () => true, encode: async () => def.encode(version) },
      response: { decode: async (raw: Buffer) => ({ version, raw }), parse: async (data: { version: number; raw: Buffer }) => data },
    }),
  };
  const make = broker.lookupRequest(def.apiKey, definition) as () => { request: { apiVersion: number } };
  const protocol = make();
  if (!def.versions.includes(protocol.request.apiVersion)) {
    throw new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, `the broker does not support ${def.apiName} v${def.versions[0]}+`, {
      details: { kafkaError: 'UNSUPPORTED_VERSION' },
      hint: 'kafkaform needs Kafka 2.8 or newer for topic IDs',
    });
  }
  const { version, raw } = (await sendRequest(broker, protocol as unknown as KafkajsProtocol)) as { version: number; raw: Buffer };
  return def.decode(version, wireDecoder(raw));
}

const { errorCodes } = require('kafkajs/src/protocol/error') as { errorCodes: { type: string; code: number }[] };

/** Kafka's protocol error name of a code, by kafkajs' table ("NONE" for 0; UNKNOWN_TOPIC_ID, which kafkajs lacks, by hand). */
export function errorCodeName(code: number): string {
  if (code === 0) return 'NONE';
  if (code === 100) return 'UNKNOWN_TOPIC_ID';
  return errorCodes.find((e) => e.code === code)?.type ?? `KAFKA_ERROR_${code}`;
}

/** The slice of kafkajs' internal Connection this guard touches. */
interface DecodingConnection {
  host: string;
  port: number;
  chunks: Buffer[];
  bytesBuffered: number;
  bytesNeeded: number;
  processData(rawData: Buffer): void;
  rejectRequests(error: Error): void;
  disconnect(): Promise<void>;
}

let guarded = false;

/**
 * Makes a response kafkajs cannot decode a connection error instead of a process crash. kafkajs decodes each
 * response frame inside the socket's data handler, so a frame cut short (a listener closing mid-response, a
 * proxy truncating) throws RangeError ERR_BUFFER_OUT_OF_BOUNDS where no caller can catch it. The guard
 * rejects that connection's pending requests with a connection error naming the broker and closes it, so
 * the request fails like any lost connection (retried, then reported as a KF error). Installed once.
 */
export function guardResponseDecoding(): void {
  if (guarded) return;
  guarded = true;
  const { KafkaJSConnectionError } = require('kafkajs/src/errors') as { KafkaJSConnectionError: new (message: string, opts: object) => Error };
  const Connection = require('kafkajs/src/network/connection') as { prototype: DecodingConnection };
  const decode = Connection.prototype.processData;
  Connection.prototype.processData = function guarded(this: DecodingConnection, rawData: Buffer): void {
    try {
      decode.call(this, rawData);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const error = new KafkaJSConnectionError(`broker ${this.host}:${this.port} sent a response that was cut short or malformed (${reason})`, {
        broker: `${this.host}:${this.port}`,
      });
      Object.assign(error, { [MALFORMED_RESPONSE]: true });
      this.chunks = [];
      this.bytesBuffered = 0;
      this.bytesNeeded = 4;
      this.rejectRequests(error);
      void this.disconnect().catch(() => undefined);
    }
  };
}
