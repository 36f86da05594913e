import { ErrorCodes, KafkaformError } from '../errors.js';

// kafkajs wraps broker errors in several layers (retries exceeded, aggregate, per-topic); these helpers find
// the broker's own error name so executors can decide what is benign and report it with the topic.

interface KafkaJsLike {
  name?: string;
  type?: string;
  message?: string;
  originalError?: unknown;
  cause?: unknown;
  errors?: unknown[];
}

/** The Kafka protocol error name (e.g. "TOPIC_ALREADY_EXISTS") inside a kafkajs error, or null for non-protocol failures. */
export function kafkaErrorName(err: unknown): string | null {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const k = e as KafkaJsLike;
    if (typeof k.type === 'string' && k.type.length > 0) return k.type;
    e = k.originalError ?? k.cause;
  }
  return null;
}

/** True when the broker answered with an error: the request reached Kafka, so per-topic retries can attribute it. */
export function isBrokerError(err: unknown): boolean {
  return kafkaErrorName(err) !== null;
}

/** The innermost human message of a kafkajs error. */
export function kafkaErrorMessage(err: unknown): string {
  let e: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const k = e as KafkaJsLike;
    if (typeof k.message === 'string' && k.message) message = k.message;
    e = k.originalError ?? k.cause;
  }
  return message;
}

/** Per-topic errors of a kafkajs aggregate error (CreateTopics, AlterPartitionReassignments); empty when none. */
export function topicErrors(err: unknown): { topic: string; name: string; error: unknown }[] {
  const errors = (err as KafkaJsLike | null)?.errors;
  if (!Array.isArray(errors)) return [];
  const out: { topic: string; name: string; error: unknown }[] = [];
  for (const e of errors) {
    const topic = (e as { topic?: unknown }).topic;
    if (typeof topic !== 'string') continue;
    out.push({ topic, name: kafkaErrorName(e) ?? 'UNKNOWN', error: e });
  }
  return out;
}

/** The stable KAFKA_REQUEST_FAILED error for one operation on one topic, naming Kafka's error (KAFKA_TIMEOUT when a broker stalled). */
export function requestFailed(operation: string, topic: string | null, err: unknown): KafkaformError {
  if (err instanceof KafkaformError) return err;
  const stalled = stalledRequest(operation, topic, err);
  if (stalled) return stalled;
  if (isMalformedResponse(err)) {
    return new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, `${topic ? `${operation} "${topic}"` : operation} failed: the connection broke mid-response (${kafkaErrorMessage(err)})`, {
      details: { operation, ...(topic ? { topic } : {}) },
      hint: 'check that the bootstrap servers are Kafka brokers (not another service, or a proxy that cuts responses short) and that the broker is healthy; then run apply again: it resumes where it stopped',
      cause: err,
    });
  }
  const name = kafkaErrorName(err);
  const what = topic ? `${operation} "${topic}"` : operation;
  const reason = name ? `${name}: ${kafkaErrorMessage(err)}` : kafkaErrorMessage(err);
  return new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, `${what} failed: ${reason}`, {
    details: { operation, ...(topic ? { topic } : {}), ...(name ? { kafkaError: name } : {}) },
    hint: name ? hintFor(name) : 'check that the cluster is reachable and run apply again: it resumes where it stopped',
    cause: err,
  });
}

/** A one-sentence fix for the Kafka errors users actually meet. */
function hintFor(name: string): string | undefined {
  switch (name) {
    case 'INVALID_CONFIG':
      return 'check the topic config keys and values against the Kafka documentation';
    case 'INVALID_REPLICATION_FACTOR':
      return 'the replication factor cannot exceed the number of brokers';
    case 'POLICY_VIOLATION':
      return 'a broker-side policy refused the change';
    case 'TOPIC_AUTHORIZATION_FAILED':
    case 'CLUSTER_AUTHORIZATION_FAILED':
      return 'the configured principal lacks the ACLs for this operation';
    case 'REQUEST_TIMED_OUT':
      return 'the broker was too slow; run apply again (executors are safe to repeat)';
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'NOT_LEADER_FOR_PARTITION':
    case 'LEADER_NOT_AVAILABLE':
    case 'NOT_CONTROLLER':
    case 'BROKER_NOT_AVAILABLE':
    case 'COORDINATOR_NOT_AVAILABLE':
    case 'NOT_COORDINATOR':
      return 'a broker stopped, restarted or is still electing leaders: check that every broker runs (`kafkaform status`), then run apply again: it resumes where it stopped';
    default:
      return 'check that the cluster is reachable and healthy, then run apply again: it resumes where it stopped';
  }
}

/** kafkajs' request-timeout error somewhere inside a wrapped error: which broker did not answer which request. */
function findTimeout(err: unknown): { broker: string | null; request: string } | null {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e && typeof e === 'object'; depth++) {
    const k = e as KafkaJsLike & { broker?: unknown };
    if (k.name === 'KafkaJSRequestTimeoutError') {
      const request = /Request (\w+)/.exec(k.message ?? '')?.[1] ?? 'a request';
      return { broker: typeof k.broker === 'string' ? k.broker : null, request };
    }
    e = k.originalError ?? k.cause;
  }
  return null;
}

/**
 * KAFKA_TIMEOUT when a broker did not answer within the request deadline (cluster.requestTimeout): names the
 * broker and the request, so a paused or overloaded broker is told apart from a refusal. Null for other errors.
 */
export function stalledRequest(operation: string, topic: string | null, err: unknown): KafkaformError | null {
  const t = findTimeout(err);
  if (!t) return null;
  const who = t.broker ? `broker ${t.broker}` : 'a broker';
  const what = topic ? `${operation} "${topic}"` : operation;
  return new KafkaformError(ErrorCodes.KAFKA_TIMEOUT, `${what} stalled: ${who} did not answer ${t.request} within the request deadline`, {
    hint: `check that ${t.broker ?? 'the broker'} is running and not paused or overloaded (\`docker ps\`, its logs); cluster.requestTimeout sets the deadline. Run apply again: it resumes where it stopped`,
    details: { operation, ...(topic ? { topic } : {}), ...(t.broker ? { broker: t.broker } : {}), request: t.request },
    cause: err,
  });
}

/** True when a response could not be decoded (cut short or malformed): the connection, not the request, failed. */
export function isMalformedResponse(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_OUT_OF_BOUNDS' || code === 'ERR_OUT_OF_RANGE' || (e as { [MALFORMED_RESPONSE]?: unknown })[MALFORMED_RESPONSE] === true) return true;
    e = (e as KafkaJsLike).originalError ?? (e as KafkaJsLike).cause;
  }
  return false;
}

/** Marks the connection error the response guard raises for a response that cannot be decoded. */
export const MALFORMED_RESPONSE = 'kafkaformMalformedResponse';
