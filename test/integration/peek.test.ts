import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, KafkaformError } from '../../src/errors.js';
import { createKafkaConnection, type KafkaConnection } from '../../src/kafka/client.js';
import { peek, type PeekOptions } from '../../src/peek/peek.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

const TOPIC = 'peek-orders';
const T0 = Date.UTC(2024, 0, 1);

/** Runs peek and collects its lines. */
async function peekLines(conn: KafkaConnection, opts: Omit<PeekOptions, 'write' | 'color'> & { color?: boolean }): Promise<string[]> {
  const lines: string[] = [];
  await peek(conn, { color: false, ...opts, write: (l) => lines.push(l) });
  return lines;
}

async function rejection(p: Promise<unknown>): Promise<KafkaformError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KafkaformError);
  return err as KafkaformError;
}

describe('kafkaform peek against a real broker', () => {
  let cluster: TestCluster | undefined;
  let conn: KafkaConnection;
  let groupsBefore: string[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster({ name: 'kft-peek', nodes: 1, port: 49095, controllerPort: 49195 });
    conn = createKafkaConnection({ bootstrapServers: cluster.bootstrapServers, clientId: 'kafkaform-peek-test' });
    const admin = await conn.admin();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: false });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const md = await admin.fetchTopicMetadata({ topics: [TOPIC] }).catch(() => null);
      if (md?.topics[0]?.partitions.every((p) => p.leader >= 0)) break;
      if (Date.now() > deadline) throw new Error('peek topic has no leader');
      await new Promise((r) => setTimeout(r, 200));
    }
    // Idempotent, so a retried send cannot duplicate the fixture records.
    const producer = await conn.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.send({
      topic: TOPIC,
      messages: [
        { partition: 0, key: 'user-1', value: '{"item":"book","qty":1}', headers: { source: 'demo' }, timestamp: String(T0) },
        { partition: 0, key: null, value: 'plain text', timestamp: String(T0 + 1000) },
        { partition: 0, key: 'bin', value: Buffer.from([0x00, 0xff, 0x10]), timestamp: String(T0 + 2000) },
        { partition: 1, key: 'user-2', value: '{"item":"pen"}', timestamp: String(T0 + 3000) },
        { partition: 1, key: 'user-3', value: null, timestamp: String(T0 + 4000) },
      ],
    });
    groupsBefore = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
  });

  afterAll(async () => {
    await conn?.close();
    await cluster?.stop();
  });

  it('prints every message readably from the beginning', async () => {
    const lines = await peekLines(conn, { topic: TOPIC });
    const p0 = lines.slice(0, lines.indexOf(`${TOPIC}[1]@0  2024-01-01T00:00:03.000Z  key=user-2`));
    expect(p0).toEqual([
      `${TOPIC}[0]@0  2024-01-01T00:00:00.000Z  key=user-1`,
      '  headers: source=demo',
      '  {',
      '    "item": "book",',
      '    "qty": 1',
      '  }',
      `${TOPIC}[0]@1  2024-01-01T00:00:01.000Z  key=(null)`,
      '  plain text',
      `${TOPIC}[0]@2  2024-01-01T00:00:02.000Z  key=bin`,
      '  (binary, 3 bytes, base64) AP8Q',
    ]);
    expect(lines).toContain(`${TOPIC}[1]@1  2024-01-01T00:00:04.000Z  key=user-3`);
    expect(lines).toContain('  (null)');
    expect(lines.join('\n')).not.toContain('\u001b');
  });

  it('prints one JSON object per message with --json', async () => {
    const lines = await peekLines(conn, { topic: TOPIC, json: true });
    expect(lines).toHaveLength(5);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.find((m) => m.key === 'user-1')).toEqual({
      topic: TOPIC,
      partition: 0,
      offset: 0,
      timestamp: '2024-01-01T00:00:00.000Z',
      key: 'user-1',
      value: { item: 'book', qty: 1 },
      headers: { source: 'demo' },
    });
    expect(parsed.find((m) => m.key === 'bin')?.value).toEqual({ base64: 'AP8Q' });
    expect(parsed.find((m) => m.key === null)?.value).toBe('plain text');
    expect(parsed.find((m) => m.key === 'user-3')?.value).toBeNull();
  });

  it('honours --limit, --partition and --from-offset', async () => {
    expect(await peekLines(conn, { topic: TOPIC, json: true, limit: 2 })).toHaveLength(2);
    const p1 = (await peekLines(conn, { topic: TOPIC, json: true, partition: 1 })).map((l) => JSON.parse(l) as { partition: number; offset: number });
    expect(p1.map((m) => `${m.partition}@${m.offset}`)).toEqual(['1@0', '1@1']);
    const from = (await peekLines(conn, { topic: TOPIC, json: true, partition: 0, fromOffset: '1' })).map((l) => JSON.parse(l) as { offset: number });
    expect(from.map((m) => m.offset)).toEqual([1, 2]);
    expect(await peekLines(conn, { topic: TOPIC, json: true, partition: 0, fromOffset: '99' })).toEqual([]);
  });

  it('follows new messages until aborted', async () => {
    const abort = new AbortController();
    const lines: string[] = [];
    const running = peek(conn, {
      topic: TOPIC,
      partition: 1,
      fromOffset: '2',
      follow: true,
      json: true,
      color: false,
      signal: abort.signal,
      write: (l) => {
        lines.push(l);
        abort.abort();
      },
    });
    await new Promise((r) => setTimeout(r, 500));
    const producer = await conn.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.send({ topic: TOPIC, messages: [{ partition: 1, key: 'late', value: 'arrived later' }] });
    const result = await running;
    expect(result.messages).toBe(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ partition: 1, offset: 2, key: 'late', value: 'arrived later' });
  });

  it('fails clearly on an unknown topic or partition and on bad options', async () => {
    const missing = await rejection(peekLines(conn, { topic: 'no-such-topic' }));
    expect(missing.code).toBe(ErrorCodes.TOPIC_NOT_FOUND);
    expect(missing.message).toContain('no-such-topic');
    expect((await rejection(peekLines(conn, { topic: TOPIC, partition: 7 }))).code).toBe(ErrorCodes.TOPIC_NOT_FOUND);
    expect((await rejection(peekLines(conn, { topic: TOPIC, limit: 0 }))).code).toBe(ErrorCodes.USAGE);
    expect((await rejection(peekLines(conn, { topic: TOPIC, fromOffset: 'latest' }))).code).toBe(ErrorCodes.USAGE);
  });

  it('never joins a consumer group', async () => {
    const admin = await conn.admin();
    expect((await admin.listGroups()).groups.map((g) => g.groupId).sort()).toEqual(groupsBefore);
    expect(groupsBefore).toEqual([]);
  });
});
