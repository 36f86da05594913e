import { PassThrough, type Writable } from 'node:stream';
import type Docker from 'dockerode';
import { dockerError, demuxLogs, statusOf } from './client.js';
import { ErrorCodes, KafkaformError } from '../errors.js';

/** Which logs to read: the last `tail` lines (all when undefined), then new ones while `follow`. */
export interface LogRequest {
  tail?: number;
  follow: boolean;
}

/**
 * Writes the logs of the named containers to `out`, each line prefixed with its container's name when there is
 * more than one (as `docker compose logs` does). With follow, resolves when every stream ends (containers stop).
 */
export async function writeLogs(docker: Docker, names: string[], req: LogRequest, out: Writable): Promise<void> {
  const width = Math.max(0, ...names.map((n) => n.length));
  const prefix = (name: string): string => (names.length > 1 ? `${name.padEnd(width)} | ` : '');
  await Promise.all(names.map((name) => (req.follow ? followOne(docker, name, req, prefix(name), out) : dumpOne(docker, name, req, prefix(name), out))));
}

/** The logs so far of one container, prefixed line by line. */
async function dumpOne(docker: Docker, name: string, req: LogRequest, prefix: string, out: Writable): Promise<void> {
  let raw: unknown;
  try {
    raw = await docker.getContainer(name).logs({ stdout: true, stderr: true, follow: false, tail: req.tail ?? 'all' } as never);
  } catch (err) {
    throw logsError(docker, name, err);
  }
  const text = demuxLogs(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
  for (const line of text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1)) out.write(`${prefix}${line}\n`);
}

/** Streams one container's logs until it stops, prefixed line by line. */
async function followOne(docker: Docker, name: string, req: LogRequest, prefix: string, out: Writable): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.getContainer(name).logs({ stdout: true, stderr: true, follow: true, tail: req.tail ?? 'all' } as never)) as unknown as NodeJS.ReadableStream;
  } catch (err) {
    throw logsError(docker, name, err);
  }
  const text = new PassThrough();
  docker.modem.demuxStream(stream, text, text);
  let partial = '';
  text.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) out.write(`${prefix}${line}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  if (partial) out.write(`${prefix}${partial}\n`);
}

function logsError(docker: Docker, name: string, err: unknown): KafkaformError {
  if (statusOf(err) === 404) {
    return new KafkaformError(ErrorCodes.CONTAINER_FAILED, `container ${name} does not exist`, {
      hint: 'run `kafkaform status` to see the project\'s containers, or `kafkaform apply` to create them',
      details: { container: name },
    });
  }
  return dockerError(docker, err, `read the logs of ${name}`);
}
