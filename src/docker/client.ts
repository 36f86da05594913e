import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import { ErrorCodes, KafkaformError, type ErrorCode } from '../errors.js';
import { dockerTimeoutMs, withDockerDeadline } from './deadline.js';

/** How many log lines of a failing container go into CONTAINER_FAILED errors. */
export const FAILURE_LOG_LINES = 30;

/**
 * A dockerode client for the engine the environment names (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH;
 * the local socket otherwise). Nothing is contacted yet; a malformed DOCKER_HOST is DOCKER_UNREACHABLE.
 */
export function createDockerClient(options?: Docker.DockerOptions): Docker {
  const timeoutMs = dockerTimeoutMs();
  let docker: Docker;
  try {
    docker = new (dockerode())(options);
  } catch (err) {
    throw unreachable(describeEnv(), err);
  }
  // Every API call gets a deadline: an engine that accepts and never answers is DOCKER_TIMEOUT, not a hang.
  return withDockerDeadline(docker, dockerEndpoint(docker), timeoutMs);
}

/**
 * The dockerode class, required on first use: dockerode pulls in ssh2, grpc and protobufjs, which commands
 * without containers (validate, plan of a spec with only topics) must not pay for at start-up.
 */
function dockerode(): typeof Docker {
  return createRequire(import.meta.url)('dockerode') as typeof Docker;
}

/** Connects and checks the engine answers; DOCKER_UNREACHABLE / DOCKER_PERMISSION_DENIED otherwise. */
export async function connectDocker(options?: Docker.DockerOptions): Promise<Docker> {
  const docker = createDockerClient(options);
  try {
    await docker.ping();
  } catch (err) {
    throw dockerError(docker, err, 'ping the Docker engine');
  }
  return docker;
}

/** Where the client talks to, for messages: the socket path or the tcp/ssh address. */
export function dockerEndpoint(docker: Docker): string {
  const modem = docker.modem as unknown as { socketPath?: unknown; host?: string; port?: string | number; protocol?: string };
  if (typeof modem.socketPath === 'string') return `unix://${modem.socketPath}`;
  if (typeof modem.socketPath === 'function') return 'the default Docker socket';
  return `${modem.protocol ?? 'http'}://${modem.host ?? 'localhost'}:${modem.port ?? ''}`;
}

function describeEnv(): string {
  return process.env.DOCKER_HOST ? `DOCKER_HOST=${process.env.DOCKER_HOST}` : 'the default Docker socket';
}

interface SystemError {
  code?: string;
  statusCode?: number;
  message?: string;
  json?: { message?: string } | null;
}

/**
 * Maps a dockerode failure to the stable error of its cause: engine unreachable, permission denied,
 * image missing, port in use; anything else becomes `fallback` with Docker's own message.
 */
export function dockerError(docker: Docker, err: unknown, doing: string, fallback: ErrorCode = ErrorCodes.CONTAINER_FAILED): KafkaformError {
  if (err instanceof KafkaformError) return err;
  const e = (err ?? {}) as SystemError;
  const message = dockerMessage(err);
  if (e.code === 'EACCES' || e.code === 'EPERM') {
    return new KafkaformError(ErrorCodes.DOCKER_PERMISSION_DENIED, `permission denied talking to Docker at ${dockerEndpoint(docker)}: ${message}`, {
      hint: 'add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again), or run with sufficient rights',
      details: { endpoint: dockerEndpoint(docker) },
      cause: err,
    });
  }
  if (e.code && UNREACHABLE_CODES.has(e.code)) return unreachable(dockerEndpoint(docker), err);
  if (/address already in use|port is already allocated/i.test(message)) {
    return new KafkaformError(ErrorCodes.PORT_IN_USE, `cannot ${doing}: a host port is already in use (${message})`, {
      hint: 'stop whatever listens on that port, or change the port in the spec',
      cause: err,
    });
  }
  if (e.statusCode === 404 && /no such image/i.test(message)) {
    return new KafkaformError(ErrorCodes.IMAGE_UNAVAILABLE, `cannot ${doing}: ${message}`, { hint: IMAGE_HINT, cause: err });
  }
  return new KafkaformError(fallback, `cannot ${doing}: ${message}`, { details: { statusCode: e.statusCode }, cause: err });
}

const UNREACHABLE_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EPIPE']);

function unreachable(endpoint: string, err: unknown): KafkaformError {
  return new KafkaformError(ErrorCodes.DOCKER_UNREACHABLE, `cannot reach the Docker engine at ${endpoint}: ${dockerMessage(err)}`, {
    hint: 'start Docker (Docker Desktop, or `sudo systemctl start docker`), or set DOCKER_HOST to an engine that runs',
    details: { endpoint },
    cause: err,
  });
}

/** How to get an image onto a machine without (or with) a registry. */
export const IMAGE_HINT =
  'load it with `docker load -i <file>`, build it (for apache/kafka images: `bash scripts/test-env.sh`), or make a registry that has it reachable';

/** The image could not be found locally nor pulled. */
export function imageUnavailable(image: string, reason: string, cause?: unknown): KafkaformError {
  return new KafkaformError(ErrorCodes.IMAGE_UNAVAILABLE, `image ${image} is not present locally and could not be pulled: ${reason}`, {
    hint: IMAGE_HINT,
    details: { image },
    cause,
  });
}

/** The HTTP status of an engine error (404 absent, 304 no change, 409 conflict); undefined for others. */
export function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number } | null)?.statusCode;
}

/** Docker's explanation of a failure: the engine's JSON message when there is one. */
export function dockerMessage(err: unknown): string {
  const e = (err ?? {}) as SystemError;
  const fromEngine = e.json && typeof e.json === 'object' ? e.json.message : undefined;
  return (fromEngine ?? e.message ?? String(err)).trim();
}

/** The last lines of a container's output, demultiplexed; '' when the container or its logs are gone. */
export async function lastLogLines(docker: Docker, name: string, lines = FAILURE_LOG_LINES): Promise<string> {
  try {
    const raw = (await docker.getContainer(name).logs({ stdout: true, stderr: true, tail: lines })) as unknown;
    const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
    return demuxLogs(buf).trimEnd();
  } catch {
    return '';
  }
}

/** Docker's multiplexed log stream (8-byte frame headers) as text; plain text passes through. */
export function demuxLogs(buf: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 1 || buf[i] === 2) && buf[i + 1] === 0 && buf[i + 2] === 0 && buf[i + 3] === 0) {
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return i === 0 ? buf.toString('utf8') : Buffer.concat(parts).toString('utf8');
}

/** CONTAINER_FAILED for `name`, carrying its last log lines in the message and in details.logs. */
export async function containerFailed(docker: Docker, name: string, what: string, extra: Record<string, unknown> = {}): Promise<KafkaformError> {
  const logs = await lastLogLines(docker, name);
  const tail = logs ? `\n--- last ${FAILURE_LOG_LINES} log lines of ${name} ---\n${logs}` : `\n(no logs from ${name})`;
  return new KafkaformError(ErrorCodes.CONTAINER_FAILED, `container ${name} ${what}${tail}`, {
    hint: `see the full output with \`docker logs ${name}\``,
    details: { container: name, logs, ...extra },
  });
}
