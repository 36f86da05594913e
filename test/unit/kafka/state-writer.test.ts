import { describe, expect, it, vi } from 'vitest';
import type { KafkaConnection } from '../../../src/kafka/client.js';
import { StateTopicWriter } from '../../../src/kafka/state-writer.js';

// The state topic's per-connection memory (topic known to exist, one producer) is held by a writer object,
// not by module-level maps: these pin what it remembers and when it forgets.

/** A connection stand-in: admin() fails (no broker), producer() hands out producers that record sends. */
function fakeConnection(opts: { producerFails?: number } = {}) {
  let producerFailures = opts.producerFails ?? 0;
  const sent: unknown[] = [];
  const conn = {
    admin: vi.fn(() => Promise.reject(new Error('no broker'))),
    producer: vi.fn(() => {
      if (producerFailures > 0) {
        producerFailures--;
        return Promise.reject(new Error('cannot connect'));
      }
      return Promise.resolve({ send: (r: unknown) => Promise.resolve(void sent.push(r)) });
    }),
  };
  return { conn, sent, asConnection: conn as unknown as KafkaConnection };
}

describe('StateTopicWriter', () => {
  it('asks nothing of the cluster once the topic is known to exist, and reuses one producer', async () => {
    const { conn, sent, asConnection } = fakeConnection();
    const writer = new StateTopicWriter(asConnection);
    writer.noteExists(8);
    await writer.ensure();
    await writer.write('shop', [{ key: 'owner/a', value: '{}' }]);
    await writer.write('shop', [{ key: 'owner/a', value: null }]);
    await writer.write('shop', []);
    expect(conn.admin).not.toHaveBeenCalled();
    expect(conn.producer).toHaveBeenCalledTimes(1);
    expect(sent).toHaveLength(2);
  });

  it('tries the create again after a failure instead of remembering it', async () => {
    const { conn, asConnection } = fakeConnection();
    const writer = new StateTopicWriter(asConnection);
    await expect(writer.ensure()).rejects.toThrow(/no broker/);
    await expect(writer.ensure()).rejects.toThrow(/no broker/);
    expect(conn.admin).toHaveBeenCalledTimes(2);
  });

  it('makes a new producer after one failed to connect', async () => {
    const { conn, sent, asConnection } = fakeConnection({ producerFails: 1 });
    const writer = new StateTopicWriter(asConnection);
    writer.noteExists(1);
    await expect(writer.write('shop', [{ key: 'k', value: 'v' }])).rejects.toThrow(/cannot connect/);
    await writer.write('shop', [{ key: 'k', value: 'v' }]);
    expect(conn.producer).toHaveBeenCalledTimes(2);
    expect(sent).toHaveLength(1);
  });

  it('keeps what it knows to its own connection', async () => {
    const a = fakeConnection();
    const b = fakeConnection();
    new StateTopicWriter(a.asConnection).noteExists();
    await expect(new StateTopicWriter(b.asConnection).ensure()).rejects.toThrow(/no broker/);
    expect(b.conn.admin).toHaveBeenCalledTimes(1);
  });
});
