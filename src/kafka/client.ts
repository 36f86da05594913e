import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type Admin, type ConfigResourceTypes, type KafkaConfig, type Producer, type ProducerConfig, type SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { SaslSpec, TlsSpec } from '../spec/types.js';
import { diagnoseConnectFailure } from './connect-errors.js';
import { isMalformedResponse, stalledRequest } from './errors.js';
import { createInternalCluster, guardResponseDecoding, type InternalCluster } from './kafkajs-internals.js';
import { closableSockets } from './sockets.js';

/**
 * DescribeConfigs/AlterConfigs resource type of a topic (2 in the Kafka protocol). kafkajs' enum is not a
 * named ESM export of its CommonJS entry, so the value is spelled here once.
 */
export const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

/** How to reach a cluster: the spec's cluster section with bootstrap servers resolved. */
export interface KafkaConnectionOptions {
  bootstrapServers: string[];
  clientId?: string;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  tls?: TlsSpec | null;
  sasl?: SaslSpec | null;
  /** Log kafkajs internals (`--debug`); otherwise kafkajs stays silent and errors surface as KafkaformError. */
  debug?: boolean;
}

/** Counts of Kafka requests by API name, for benchmarks and the "constant round trips" guarantee. */
export type RequestCounts = Record<string, number>;

/**
 * The one place kafkaform holds a Kafka client (kafkajs today), so it can be swapped.
 * Admin and producer are created lazily, connected once, and every request they send is counted.
 */
export class KafkaConnection {
  /** The underlying kafkajs client; only src/kafka/* may touch it. */
  readonly kafka: Kafka;
  readonly options: KafkaConnectionOptions;
  /** Requests sent by the admin client and producers, by API name. */
  readonly requests: RequestCounts = {};
  /** What this connection owns for its lifetime, by the function that made it (see use()). */
  private readonly owned = new Map<(conn: KafkaConnection) => unknown, unknown>();
  private adminClient: Promise<Admin> | null = null;
  private readonly producers: Producer[] = [];
  private internalClient: Promise<InternalCluster> | null = null;
  private bulkClient: Promise<InternalCluster> | null = null;
  private readonly sockets = closableSockets();

  constructor(options: KafkaConnectionOptions) {
    if (options.bootstrapServers.length === 0) {
      throw new KafkaformError(ErrorCodes.CLUSTER_UNREACHABLE, 'no bootstrap servers to connect to', {
        hint: 'set cluster.bootstrapServers in the spec, or declare containers.kafka',
      });
    }
    this.options = options;
    guardResponseDecoding();
    this.kafka = new Kafka({ ...kafkaConfig(options), socketFactory: this.sockets.factory });
  }

  /** Total number of requests sent so far. */
  get requestTotal(): number {
    return Object.values(this.requests).reduce((a, b) => a + b, 0);
  }

  /** The connected admin client (connects on first use; CLUSTER_UNREACHABLE when no broker answers). */
  admin(): Promise<Admin> {
    if (!this.adminClient) {
      const admin = this.kafka.admin({ retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 } });
      admin.on(admin.events.REQUEST, (e) => this.count(e.payload.apiName));
      this.adminClient = this.connectWithin(admin).then(
        () => admin,
        (err: unknown) => {
          this.adminClient = null;
          throw err;
        },
      );
    }
    return this.adminClient;
  }

  /** A new connected producer; closed with the connection. */
  async producer(config: ProducerConfig = {}): Promise<Producer> {
    const producer = this.kafka.producer({ allowAutoTopicCreation: false, ...config });
    producer.on(producer.events.REQUEST, (e) => this.count(e.payload.apiName));
    await this.connectWithin(producer);
    this.producers.push(producer);
    return producer;
  }

  /**
   * kafkajs' internal cluster for this connection (groupless fetch, raw-batch transactions), connected once
   * and shared, so every read or seed entry of a run reuses its broker sockets and metadata.
   */
  internal(): Promise<InternalCluster> {
    return (this.internalClient ??= this.connectCluster(() => (this.internalClient = null)));
  }

  /**
   * A second internal cluster, with sockets of its own, for large one-off answers (DescribeConfigs of every
   * declared topic): a broker answers one request per connection at a time, so the small reads on internal()
   * (the state topic) would otherwise wait behind them.
   */
  bulk(): Promise<InternalCluster> {
    return (this.bulkClient ??= this.connectCluster(() => (this.bulkClient = null)));
  }

  /** A new internal cluster, connected; on failure `forget` drops it, so the next call dials again. */
  private connectCluster(forget: () => void): Promise<InternalCluster> {
    const cluster = createInternalCluster(this.kafka);
    return this.connectWithin(cluster).then(
      () => cluster,
      (err: unknown) => {
        forget();
        throw err;
      },
    );
  }

  /**
   * Connects a kafkajs client within the connection timeout. On failure it stops the client (kafkajs keeps
   * retrying past our deadline, and its sockets and timers would keep the process alive) and throws
   * CLUSTER_UNREACHABLE.
   */
  private async connectWithin(client: { connect(): Promise<void>; disconnect(): Promise<void> }): Promise<void> {
    try {
      await withDeadline(client.connect(), this.options.connectionTimeoutMs ?? 10_000);
    } catch (err) {
      void client.disconnect().catch(() => undefined);
      throw unreachable(this.options, err);
    }
  }

  /** Records one request; also used by src/kafka/fetch.ts for its own requests. */
  count(apiName: string): void {
    this.requests[apiName] = (this.requests[apiName] ?? 0) + 1;
  }

  /** Disconnects everything this connection opened; safe to call twice. */
  /**
   * The one instance `make` makes for this connection, made on first use (e.g. the state topic's writer): state
   * that lives exactly as long as the connection, passed with it rather than kept in module-level maps.
   */
  use<T>(make: (conn: KafkaConnection) => T): T {
    if (!this.owned.has(make)) this.owned.set(make, make(this));
    return this.owned.get(make) as T;
  }

  async close(): Promise<void> {
    const admin = this.adminClient;
    this.adminClient = null;
    const producers = this.producers.splice(0);
    const internal = this.internalClient;
    this.internalClient = null;
    const bulk = this.bulkClient;
    this.bulkClient = null;
    await Promise.allSettled([
      ...(admin ? [admin.then((a) => a.disconnect())] : []),
      ...(internal ? [internal.then((c) => c.disconnect())] : []),
      ...(bulk ? [bulk.then((c) => c.disconnect())] : []),
      ...producers.map((p) => p.disconnect()),
    ]);
    // What a graceful disconnect left open (a connect still retrying, a broker that never answered) would keep the process alive.
    this.sockets.destroyAll();
  }
}

/** Rejects when `p` has not settled within `ms`: kafkajs' own retries would otherwise multiply the wait. */
function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no broker answered within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Creates a connection; nothing is contacted until admin() or producer() is called. */
export function createKafkaConnection(options: KafkaConnectionOptions): KafkaConnection {
  return new KafkaConnection(options);
}

/** kafkajs configuration from our options; reads TLS files here, at the edge. */
function kafkaConfig(o: KafkaConnectionOptions): KafkaConfig {
  const config: KafkaConfig = {
    brokers: o.bootstrapServers,
    clientId: o.clientId ?? 'kafkaform',
    connectionTimeout: o.connectionTimeoutMs ?? 10_000,
    requestTimeout: o.requestTimeoutMs ?? 30_000,
    logLevel: o.debug ? logLevel.DEBUG : logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 3000 },
  };
  if (o.tls) config.ssl = tlsOptions(o.tls);
  if (o.sasl) {
    config.sasl = { mechanism: o.sasl.mechanism, username: o.sasl.username, password: o.sasl.password } as SASLOptions;
  }
  return config;
}

/** Node TLS options from the spec's tls section. */
export function tlsOptions(tls: TlsSpec): ConnectionOptions {
  const read = (path: string | null): Buffer | undefined => (path ? readFileSync(path) : undefined);
  const options: ConnectionOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  const ca = read(tls.caFile);
  const cert = read(tls.certFile);
  const key = read(tls.keyFile);
  if (ca) options.ca = [ca];
  if (cert) options.cert = cert;
  if (key) options.key = key;
  return options;
}

/** Maps a failure to connect into the stable CLUSTER_UNREACHABLE error (no secrets in the message). */
export function unreachable(o: KafkaConnectionOptions, err: unknown): KafkaformError {
  const stalled = stalledRequest('connect', null, err);
  if (stalled) return stalled;
  const diagnosed = diagnoseConnectFailure(err, { bootstrapServers: o.bootstrapServers, tls: o.tls, sasl: o.sasl });
  if (diagnosed) {
    return new KafkaformError(diagnosed.code, diagnosed.reason, { hint: diagnosed.hint, details: { bootstrapServers: o.bootstrapServers }, cause: err });
  }
  const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  if (isMalformedResponse(err)) return malformed(o.bootstrapServers.join(', '), reason, err);
  const auth = /SASL|authentication/i.test(reason);
  return new KafkaformError(
    ErrorCodes.CLUSTER_UNREACHABLE,
    `cannot reach the Kafka cluster at ${o.bootstrapServers.join(', ')}: ${reason}`,
    {
      hint: auth
        ? 'check cluster.sasl (mechanism, username, password) and cluster.tls'
        : 'is the broker running and listening there? `kafkaform apply` starts the containers the spec declares; otherwise check cluster.bootstrapServers',
      details: { bootstrapServers: o.bootstrapServers },
      cause: err,
    },
  );
}

/** KAFKA_REQUEST_FAILED for a response that could not be decoded: whatever listens there is not (or not wholly) a Kafka broker. */
export function malformed(where: string, reason: string, cause: unknown): KafkaformError {
  return new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, `the Kafka connection to ${where} broke mid-response: ${reason}`, {
    hint: 'check that the bootstrap servers are Kafka brokers (not another service, or a proxy that cuts responses short) and that the broker is healthy; then run the command again',
    details: { bootstrapServers: where },
    cause,
  });
}
