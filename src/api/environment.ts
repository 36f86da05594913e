import type { ConnectionOptions } from 'node:tls';
import { tlsOptions } from '../kafka/client.js';
import { outputsOf, type OutputTopic } from '../cli/outputs.js';
import type { ApplyReport } from '../plan/types.js';
import type { Spec } from '../spec/types.js';

/** Settings to hand to a Kafka client; the shape of kafkajs' `new Kafka(config)` (brokers, clientId, ssl, sasl). */
export interface ClientSettings {
  brokers: string[];
  clientId: string;
  /** Present when the spec has cluster.tls: Node TLS options with the CA, certificate and key read from its files. */
  ssl?: ConnectionOptions;
  /** Present when the spec has cluster.sasl, with its resolved password: do not log it. */
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/** The symbol `await using` calls; Node 20 has it, the fallback keeps older runtimes loading the module. */
export const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

/** A Kafka world brought up by `up()`: where it is, how to connect, what it holds; disposing it calls down(). */
export interface KafkaEnvironment {
  project: string;
  /** host:port of every broker, e.g. ["127.0.0.1:9092"]. */
  bootstrapServers: string[];
  client: ClientSettings;
  /** The declared topics; null partitions/replicationFactor mean the broker's default. */
  topics: OutputTopic[];
  /** What this up() did: an empty `applied` list when everything had already converged. */
  report: ApplyReport;
  /** Removes the containers (volumes only with `volumes: true`). */
  down(options?: { volumes?: boolean }): Promise<void>;
  /** `await using env = await up(...)` removes the containers at the end of the scope, keeping volumes. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The client settings of a spec reached at `brokers`; TLS files are read the way kafkaform's own client reads them. */
export function clientSettings(spec: Spec, brokers: string[]): ClientSettings {
  const settings: ClientSettings = { brokers, clientId: spec.cluster.clientId };
  const { tls, sasl } = spec.cluster;
  if (tls) settings.ssl = tlsOptions(tls);
  if (sasl) settings.sasl = { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
  return settings;
}

/** The environment object up() returns; `down` is bound to the same spec and environment. */
export function kafkaEnvironment(spec: Spec, brokers: string[], report: ApplyReport, down: (o?: { volumes?: boolean }) => Promise<void>): KafkaEnvironment {
  const outputs = outputsOf(spec, brokers);
  return {
    project: outputs.project,
    bootstrapServers: outputs.bootstrapServers,
    client: clientSettings(spec, brokers),
    topics: outputs.topics,
    report,
    down,
    [asyncDispose]: () => down(),
  };
}
