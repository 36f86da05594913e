import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** kafkajs' keep-alive delay for broker sockets, kept as its default socket factory sets it. */
const KEEP_ALIVE_MS = 60_000;

/** A kafkajs socket factory that remembers its open sockets, so a connection can destroy them all at close. */
export interface ClosableSockets {
  factory: ISocketFactory;
  /** Destroys every open socket and refuses new ones: kafkajs' retries then fail at once instead of dialling again. */
  destroyAll(): void;
}

/**
 * Sockets made like kafkajs' default factory (plain or TLS, keep-alive), and tracked. kafkajs' disconnect() only
 * ends a socket once its pending requests settle, and a connect it retries past our deadline dials again: a
 * broker that accepts but never answers would keep the process alive for minutes. destroyAll() ends that.
 */
export function closableSockets(): ClosableSockets {
  const open = new Set<Socket>();
  let closed = false;
  const factory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    if (closed) throw new Error('the connection is closed');
    const socket = ssl
      ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
      : netConnect({ host, port }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_MS);
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    return socket;
  };
  return {
    factory,
    destroyAll: () => {
      closed = true;
      // With an error, kafkajs rejects the socket's pending requests at once rather than at their timeout.
      for (const socket of open) socket.destroy(new Error('the connection is closed'));
      open.clear();
    },
  };
}
