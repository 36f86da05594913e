import { createRequire } from 'node:module';
import type { KafkaConnection } from './client.js';
import { ErrorCodes, KafkaformError } from '../errors.js';

// kafkajs offers no groupless fetch and no raw-batch transactional produce. Both reach into its internal
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

// Requests kafkajs 2.2.4 has no definition for (Metadata v10+ with topic IDs, DeleteTopics v6 by topic ID) are
// framed with its own Encoder/Decoder and sent through its broker connections, like the definitions it ships.
const internalRequire = createRequire(import.meta.url);

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

const EncoderClass = internalRequire('kafkajs/src/protocol/encoder') as new () => WireEncoder;
const DecoderClass = internalRequire('kafkajs/src/protocol/decoder') as new (b: Buffer) => WireDecoder;

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
export interface RawBroker {
  nodeId: number;
  lookupRequest(apiKey: number, definition: unknown): unknown;
}

/**
 * Sends a raw request to `broker` at the highest version both sides implement. Throws UNSUPPORTED_VERSION
 * (as a KafkaformError with that kafkaError detail) when the broker's highest version is below ours.
 */
export async function sendRawRequest<T>(broker: RawBroker, def: RawRequestDefinition<T>): Promise<T> {
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
  const proto = Object.getPrototypeOf(broker) as Record<symbol, unknown>;
  const symbol = Object.getOwnPropertySymbols(proto).find((s) => s.description === 'private:Broker:sendRequest');
  if (!symbol) throw new KafkaformError(ErrorCodes.INTERNAL, 'this kafkajs version has no broker request method; this is a bug, please report it');
  const send = proto[symbol] as (this: RawBroker, p: unknown) => Promise<{ version: number; raw: Buffer }>;
  const { version, raw } = await send.call(broker, protocol);
  return def.decode(version, wireDecoder(raw));
}
