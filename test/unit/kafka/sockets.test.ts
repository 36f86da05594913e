import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closableSockets } from '../../../src/kafka/sockets.js';

// A listener that accepts and never answers: the broker whose socket kafkajs' disconnect() would leave open.
let server: Server | null = null;
const accepted: Socket[] = [];

/** Starts the silent listener on a free loopback port and returns the port. */
async function silentListener(): Promise<number> {
  server = createServer((s) => accepted.push(s));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server!.address() as { port: number }).port;
}

afterEach(async () => {
  for (const s of accepted.splice(0)) s.destroy();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
});

describe('closable sockets for kafkajs', () => {
  it('destroyAll destroys every open socket with an error, and refuses new ones', async () => {
    const port = await silentListener();
    const sockets = closableSockets();
    let onConnect = (): void => undefined;
    const connected = new Promise<void>((resolve) => (onConnect = resolve));
    const socket = sockets.factory({ host: '127.0.0.1', port, ssl: null as never, onConnect: () => onConnect() });
    const failed = new Promise((resolve) => socket.once('error', resolve));
    await connected;
    expect(socket.destroyed).toBe(false);

    sockets.destroyAll();
    expect(socket.destroyed).toBe(true);
    expect(String(await failed)).toContain('the connection is closed');
    expect(() => sockets.factory({ host: '127.0.0.1', port, ssl: null as never, onConnect: () => undefined })).toThrow('the connection is closed');
  });

});
