import { createRequire } from 'node:module';
import type { KafkaConnection } from './client.js';
import { ErrorCodes, KafkaformError } from '../errors.js';

const require = createRequire(import.meta.url);
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode(code: number): unknown };

// kafkajs offers no groupless fetch, no raw-batch transactional produce and no IncrementalAlterConfigs. Both reach into its internal
// cluster object (broker connections, metadata, request framing); this is the one door to it, so a kafkajs
// upgrade or a client swap has one place to look.

/**
 * A new kafkajs internal cluster for `conn`'s brokers, reading with read_committed isolation: fetches skip
 * aborted transactions and ListOffsets answers the last stable offset. The caller connects and disconnects it.
 */
export function internalCluster<T>(conn: KafkaConnection): T {
  const kafka = conn.kafka as unknown as Record<symbol, unknown>;
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!symbol) throw new KafkaformError(ErrorCodes.INTERNAL, 'this kafkajs version has no internal cluster factory; this is a bug, please report it');
  const create = kafka[symbol] as (o: object) => T;
  return create({ allowAutoTopicCreation: false, metadataMaxAge: 60_000, isolationLevel: 1 });
}

/** A request kafkajs can frame: apiKey/version/name and an encoder, plus a response decoder. */
export interface KafkajsProtocol {
  request: { apiKey: number; apiVersion: number; apiName: string; expectResponse?(): boolean; encode(): Promise<unknown> };
  response: { decode(raw: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
}

/** Sends a request through a kafkajs internal broker's own request path (which re-authenticates SASL sessions when needed). */
export async function brokerRequest(broker: object, protocol: KafkajsProtocol | object): Promise<unknown> {
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

/** The slice of a kafkajs internal broker this door uses. */
interface RawBroker {
  versions: Record<number, { minVersion: number; maxVersion: number }> | null;
  connect(): Promise<void>;
}

/** The slice of a kafkajs internal cluster this door uses. */
interface RawCluster {
  brokerPool: { seedBroker: RawBroker };
}

/** The connected seed broker of the connection's shared internal cluster (it has answered ApiVersions). */
async function seedBroker(conn: KafkaConnection): Promise<RawBroker> {
  const cluster = await conn.internal<RawCluster>();
  const broker = cluster.brokerPool?.seedBroker;
  if (!broker) throw new KafkaformError(ErrorCodes.INTERNAL, 'this kafkajs version has no seed broker; this is a bug, please report it');
  await broker.connect();
  return broker;
}

/** The version range the broker supports for `apiKey` (from its ApiVersions answer), or null when it lacks the API. */
export async function apiVersionRange(conn: KafkaConnection, apiKey: number): Promise<{ min: number; max: number } | null> {
  const range = (await seedBroker(conn)).versions?.[apiKey];
  return range ? { min: range.minVersion, max: range.maxVersion } : null;
}

/**
 * Sends a request we encoded through kafkajs' framing, authentication and socket handling, and returns the
 * response body after the correlation id (for a non-flexible version: no tagged fields in the header). Counted
 * in conn.requests under `apiName`. Broker-level failures (connection lost, timeout) throw kafkajs' errors.
 */
export async function sendRaw(conn: KafkaConnection, req: RawRequest): Promise<Buffer> {
  const broker = await seedBroker(conn);
  conn.count(req.apiName);
  return (await brokerRequest(broker, {
    request: {
      apiKey: req.apiKey,
      apiVersion: req.apiVersion,
      apiName: req.apiName,
      // kafkajs appends an encoder's bytes by reading `buf`/`buffer`; a plain holder of the finished body suffices.
      encode: () => Promise.resolve({ buf: req.body, buffer: req.body }),
    },
    response: { decode: (payload: Buffer) => Promise.resolve(payload), parse: (payload: Buffer) => Promise.resolve(payload) },
  })) as Buffer;
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
export async function sendRawRequest<T>(broker: VersionedBroker, def: RawRequestDefinition<T>): Promise<T> {
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
  const { version, raw } = (await brokerRequest(broker, protocol)) as { version: number; raw: Buffer };
  return def.decode(version, wireDecoder(raw));
}
