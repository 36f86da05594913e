import type { KafkaConnection } from './client.js';
import { MALFORMED_RESPONSE } from './errors.js';
import { protocolError, sendRaw } from './kafkajs-internals.js';

// DescribeConfigs of many topics, framed and decoded here. kafkajs' admin call refreshes the metadata of every
// topic first, builds the request from one encoder per resource, and decodes each of the ~40 entries per topic
// into an object with synonyms and flags we never read: for 1,000 topics that took about as long as the broker
// took to answer. The request is v2 (Kafka 2.0+), which kafkajs sends too; the entries come back as kafkajs
// gave them (configName, configValue, configSource, isSensitive), in the broker's order.

const DESCRIBE_CONFIGS = 32;
const TOPIC = 2;

/** One config entry of a topic, with the fields kafkajs' answer had that anything here reads. */
export interface TopicConfigEntry {
  configName: string;
  configValue: string | null;
  /** DescribeConfigs' config_source: 1 a topic override, 2-4 from the broker, 5 the default. */
  configSource: number;
  isSensitive: boolean;
}

/** One described topic: its config entries as the broker lists them. */
export interface TopicConfigs {
  resourceName: string;
  configEntries: TopicConfigEntry[];
}

/** DescribeConfigs v2 request body: every topic, all keys (null key list), no synonyms. */
export function encodeDescribeTopicConfigs(topics: readonly string[]): Buffer {
  const names = topics.map((t) => Buffer.from(t, 'utf8'));
  const body = Buffer.alloc(4 + names.reduce((n, b) => n + 1 + 2 + b.length + 4, 0) + 1);
  let at = body.writeInt32BE(names.length, 0);
  for (const name of names) {
    at = body.writeInt8(TOPIC, at);
    at = body.writeInt16BE(name.length, at);
    at += name.copy(body, at);
    at = body.writeInt32BE(-1, at); // configuration_keys: null, every key
  }
  body.writeInt8(0, at); // include_synonyms
  return body;
}

/** A response that is cut short or longer than its fields: reported like kafkajs' own malformed responses. */
function malformed(why: string): Error {
  return Object.assign(new Error(`the broker sent a malformed DescribeConfigs response (${why})`), { [MALFORMED_RESPONSE]: true });
}

/**
 * Decodes a DescribeConfigs v1/v2 response body. As kafkajs did, the first resource with an error throws
 * kafkajs' protocol error for its code (UNKNOWN_TOPIC_OR_PARTITION when a topic vanished meanwhile).
 */
export function decodeDescribeTopicConfigs(buf: Buffer): TopicConfigs[] {
  let at = 0;
  const need = (n: number): void => {
    if (at + n > buf.length) throw malformed(`it ends at byte ${buf.length}, ${at + n} needed`);
  };
  const int8 = (): number => (need(1), buf.readInt8(at++));
  const int16 = (): number => {
    need(2);
    const v = buf.readInt16BE(at);
    at += 2;
    return v;
  };
  const int32 = (): number => {
    need(4);
    const v = buf.readInt32BE(at);
    at += 4;
    return v;
  };
  const str = (): string | null => {
    const n = int16();
    if (n < 0) return null;
    need(n);
    const s = buf.toString('utf8', at, at + n);
    at += n;
    return s;
  };
  // Every topic lists the same names in the same order, and mostly the same values: the k-th name and value are
  // compared, bytes to bytes, with the previous topic's k-th, and that string is reused instead of a new one.
  const seenStart: number[] = [];
  const seenLength: number[] = [];
  const seenText: string[] = [];
  const repeated = (slot: number): string | null => {
    const n = int16();
    if (n < 0) return null;
    need(n);
    const prev = seenStart[slot];
    if (prev !== undefined && seenLength[slot] === n) {
      // Short strings: a byte loop beats Buffer#compare's argument checks.
      let i = 0;
      while (i < n && buf[prev + i] === buf[at + i]) i++;
      if (i === n) {
        at += n;
        return seenText[slot]!;
      }
    }
    const text = buf.toString('utf8', at, at + n);
    seenStart[slot] = at;
    seenLength[slot] = n;
    seenText[slot] = text;
    at += n;
    return text;
  };
  int32(); // throttle_time_ms
  const out: TopicConfigs[] = [];
  let firstError = 0;
  for (let r = int32(); r > 0; r--) {
    const errorCode = int16();
    str(); // error_message
    int8(); // resource_type
    const resourceName = str() ?? '';
    const configEntries: TopicConfigEntry[] = [];
    for (let e = int32(), k = 0; e > 0; e--, k += 2) {
      const configName = repeated(k) ?? '';
      const configValue = repeated(k + 1);
      int8(); // read_only
      const configSource = int8();
      const isSensitive = int8() !== 0;
      for (let s = int32(); s > 0; s--) {
        str();
        str();
        int8();
      }
      configEntries.push({ configName, configValue, configSource, isSensitive });
    }
    if (errorCode !== 0 && firstError === 0) firstError = errorCode;
    out.push({ resourceName, configEntries });
  }
  if (at !== buf.length) throw malformed(`${buf.length - at} bytes are left over`);
  if (firstError !== 0) throw protocolError(firstError, null);
  return out;
}

/** Every config entry of each named topic, in one DescribeConfigs to any broker (KRaft: each answers for topics). */
export async function describeTopicConfigs(conn: KafkaConnection, topics: readonly string[]): Promise<TopicConfigs[]> {
  if (topics.length === 0) return [];
  // Its own socket: the state topic's reads go on meanwhile instead of queueing behind this large answer.
  const raw = await sendRaw(conn, { apiKey: DESCRIBE_CONFIGS, apiVersion: 2, apiName: 'DescribeConfigs', body: encodeDescribeTopicConfigs(topics) }, undefined, 'bulk');
  return decodeDescribeTopicConfigs(raw);
}
