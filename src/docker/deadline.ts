import type Docker from 'dockerode';
import { ErrorCodes, KafkaformError } from '../errors.js';
import { parseDuration } from '../spec/units.js';

/** Default bound on one Docker API call until the engine answers (a stop adds its grace period). */
export const DEFAULT_DOCKER_TIMEOUT_MS = 30_000;

/** The per-call deadline: KAFKAFORM_DOCKER_TIMEOUT (a duration such as 10s or 2m) when set, else the default. */
export function dockerTimeoutMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.KAFKAFORM_DOCKER_TIMEOUT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_DOCKER_TIMEOUT_MS;
  try {
    return parseDuration(raw.trim());
  } catch {
    throw new KafkaformError(ErrorCodes.USAGE, `KAFKAFORM_DOCKER_TIMEOUT must be a duration such as 30s or 2m, got "${raw}"`, {
      hint: 'set KAFKAFORM_DOCKER_TIMEOUT=30s, or unset it for the default',
    });
  }
}

/** What docker-modem's dial receives: the request, plus the signal it honours to abort it. */
interface DialOptions {
  path: string;
  method: string;
  options?: Record<string, unknown> & { t?: unknown };
  abortSignal?: AbortSignal;
}

type Dial = (options: DialOptions, callback: (err: unknown, data: unknown) => void) => void;

const GUARDED = Symbol('kafkaform.dockerDeadline');

/**
 * Gives every API call of `docker` a deadline: when the engine has not answered within `timeoutMs` (plus a
 * stop's own grace period), the request is aborted and the call fails with DOCKER_TIMEOUT naming the call
 * and the endpoint. Streams (pull progress, followed logs) are bounded until their headers arrive; what
 * flows after is bounded by their own callers. Idempotent per client.
 */
export function withDockerDeadline(docker: Docker, endpoint: string, timeoutMs: number): Docker {
  const modem = docker.modem as unknown as { dial: Dial; [GUARDED]?: boolean };
  if (modem[GUARDED]) return docker;
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    const grace = typeof options.options?.t === 'number' ? options.options.t * 1000 : 0;
    const ms = timeoutMs + grace;
    const controller = new AbortController();
    options.abortSignal?.addEventListener('abort', () => controller.abort(), { once: true });
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      controller.abort();
      callback(dockerTimeout(endpoint, `${options.method} ${callName(options.path)}`, ms), null);
    }, ms);
    dial({ ...options, abortSignal: controller.signal }, (err, data) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      callback(err, data);
    });
  };
  modem[GUARDED] = true;
  return docker;
}

/** The API path without its query and version prefix, e.g. "/containers/x/json". */
function callName(path: string): string {
  return path.replace(/\?.*$/, '').replace(/^\/v[\d.]+\//, '/');
}

/** DOCKER_TIMEOUT for one call: the engine accepted the connection (or not) and did not answer in time. */
export function dockerTimeout(endpoint: string, call: string, ms: number): KafkaformError {
  return new KafkaformError(ErrorCodes.DOCKER_TIMEOUT, `the Docker engine at ${endpoint} did not answer ${call} within ${formatSeconds(ms)}`, {
    hint: 'check that the engine is running and responsive (`docker info`); a slow engine can be given longer with KAFKAFORM_DOCKER_TIMEOUT=2m',
    details: { endpoint, call, timeoutMs: ms },
  });
}

/** Milliseconds as "30 s", "1.5 s" or, below a second, "200 ms". */
export function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
