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

/** A request kafkajs can frame: apiKey/version/name and an encoder, plus a response decoder. */
export interface RawRequest {
  request: { apiKey: number; apiVersion: number; apiName: string; expectResponse?(): boolean; encode(): Promise<unknown> };
  response: { decode(raw: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
}

/** Sends a request through a kafkajs internal broker's own request path (which re-authenticates SASL sessions when needed). */
export async function brokerRequest(broker: object, protocol: RawRequest | object): Promise<unknown> {
  const proto = Object.getPrototypeOf(broker) as Record<symbol, unknown>;
  const symbol = Object.getOwnPropertySymbols(proto).find((s) => s.description === 'private:Broker:sendRequest');
  if (!symbol) throw new KafkaformError(ErrorCodes.INTERNAL, 'this kafkajs version has no broker request method; this is a bug, please report it');
  const send = proto[symbol] as (this: object, p: unknown) => Promise<unknown>;
  return send.call(broker, protocol);
}
