import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { HostPort } from '../plan/desired-containers.js';

/** Why a bind probe failed; null when the port could be bound (and was released again). */
async function probe(p: HostPort): Promise<NodeJS.ErrnoException | null> {
  // Wildcard host IPs are probed on the wildcard, so a listener on any address counts as busy.
  const host = p.hostIp === '' ? '0.0.0.0' : p.hostIp;
  if (p.protocol === 'udp') {
    return new Promise((resolve) => {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', (err) => {
        socket.close();
        resolve(err);
      });
      socket.bind({ port: p.port, address: host, exclusive: true }, () => socket.close(() => resolve(null)));
    });
  }
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ port: p.port, host, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/**
 * Checks every port can be bound now, before a container that needs it is created, so a busy port
 * is PORT_IN_USE up front rather than a container that dies (host networking) or a half-made one.
 */
export async function assertPortsFree(ports: HostPort[], owner: string): Promise<void> {
  const busy: string[] = [];
  for (const p of ports) {
    const err = await probe(p);
    if (!err) continue;
    // Only a taken port is ours to report: a non-local host IP or a privileged port is the engine's business.
    if (err.code === 'EADDRINUSE') busy.push(`${p.hostIp || '0.0.0.0'}:${p.port}/${p.protocol}`);
  }
  if (busy.length > 0) {
    throw new KafkaformError(ErrorCodes.PORT_IN_USE, `cannot start ${owner}: host port${busy.length > 1 ? 's' : ''} ${busy.join(', ')} already in use`, {
      hint: `stop what listens there (e.g. \`ss -ltnp | grep ${busy[0]!.split(':').pop()!.split('/')[0]}\`), or change the port in the spec`,
      details: { container: owner, ports: busy },
    });
  }
}
