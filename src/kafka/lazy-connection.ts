import { createKafkaConnection, type KafkaConnection, type KafkaConnectionOptions } from './client.js';
import { bootstrapServers } from '../plan/desired-containers.js';
import type { ObservedEngine } from '../plan/observed.js';
import type { Spec } from '../spec/types.js';

/** Options of a LazyKafkaConnection. */
export interface LazyKafkaConnectionOptions {
  /** Log kafkajs internals (`--debug`). */
  debug?: boolean;
  /** Makes connections; tests and benchmarks substitute their own. */
  connect?: (options: KafkaConnectionOptions) => KafkaConnection;
}

/**
 * The Kafka connection of one command run, made lazily from the spec. Bootstrap servers are the spec's, or
 * derived from containers.kafka once the Docker engine is known (bridge vs host). After the cluster's
 * containers (re)start, reconnect() drops the old connection so the next use dials afresh.
 */
export class LazyKafkaConnection {
  readonly spec: Spec;
  private readonly options: LazyKafkaConnectionOptions;
  private engine: ObservedEngine | null = null;
  private current: KafkaConnection | null = null;
  /** Requests of connections already closed, by API name, so counts survive reconnects. */
  private readonly closedCounts: Record<string, number> = {};

  constructor(spec: Spec, options: LazyKafkaConnectionOptions = {}) {
    this.spec = spec;
    this.options = options;
  }

  /** Records the Docker engine, which decides derived bootstrap addresses; drops a connection made before. */
  async setEngine(engine: ObservedEngine | null): Promise<void> {
    const before = this.bootstrapServers().join(',');
    this.engine = engine;
    if (this.bootstrapServers().join(',') !== before) await this.reconnect();
  }

  /** Where the cluster is reached: the spec's list, or the declared Kafka nodes' addresses; empty when neither. */
  bootstrapServers(): string[] {
    return bootstrapServers(this.spec, this.engine);
  }

  /** The open connection, made on first use (nothing is contacted until it is used). */
  connection(): KafkaConnection {
    if (!this.current) {
      const c = this.spec.cluster;
      const options: KafkaConnectionOptions = {
        bootstrapServers: this.bootstrapServers(),
        clientId: c.clientId,
        connectionTimeoutMs: c.connectionTimeoutMs,
        requestTimeoutMs: c.requestTimeoutMs,
        tls: c.tls,
        sasl: c.sasl,
        debug: this.options.debug ?? false,
      };
      this.current = (this.options.connect ?? createKafkaConnection)(options);
    }
    return this.current;
  }

  /** Requests sent through every connection of this link so far, by API name. */
  requests(): Record<string, number> {
    const out = { ...this.closedCounts };
    for (const [k, v] of Object.entries(this.current?.requests ?? {})) out[k] = (out[k] ?? 0) + v;
    return out;
  }

  /** Closes the connection; the next connection() makes a new one. */
  async reconnect(): Promise<void> {
    const old = this.current;
    this.current = null;
    if (old) {
      for (const [k, v] of Object.entries(old.requests)) this.closedCounts[k] = (this.closedCounts[k] ?? 0) + v;
      await old.close();
    }
  }

  /** Closes everything; safe to call twice. */
  async close(): Promise<void> {
    await this.reconnect();
  }
}
