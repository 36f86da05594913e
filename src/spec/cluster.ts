import { asMap, asString, durationAt, interpolateAt, MAX_TIMER_MS, specPath, type SpecContext } from './context.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './defaults.js';
import { quote } from './text.js';
import type { ClusterSpec, SaslSpec, TlsSpec } from './types.js';

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

/** Why a bootstrap server is not host:port, or null when it is. */
export function hostPortProblem(s: string): string | null {
  const m = HOST_PORT.exec(s);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) return `invalid bootstrap server ${quote(s)}: expected host:port such as localhost:9092`;
  return null;
}

function bootstrapServers(ctx: SpecContext, raw: unknown): string[] {
  const path = ['cluster', 'bootstrapServers'];
  const servers: string[] = [];
  const check = (s: string, at: (string | number)[]) => {
    const bad = hostPortProblem(s);
    if (bad) ctx.problems.add(at, bad, 'list brokers as host:port, e.g. [localhost:9092]');
    else servers.push(s);
  };
  if (typeof raw === 'string') {
    for (const part of raw.split(',').map((s) => s.trim())) if (part !== '') check(part, path);
  } else if (Array.isArray(raw)) {
    raw.forEach((s, i) => {
      if (typeof s === 'string') check(s.trim(), [...path, i]);
    });
  }
  return servers;
}

function tls(ctx: SpecContext, raw: unknown): TlsSpec | null {
  if (raw === true) return { caFile: null, certFile: null, keyFile: null, rejectUnauthorized: true };
  const map = asMap(raw);
  if (!map) return null;
  const file = (key: 'ca' | 'cert' | 'key'): string | null => {
    const p = map[key];
    if (typeof p !== 'string' || p === '') return null;
    const abs = specPath(ctx, p);
    if (ctx.fileExists && !ctx.fileExists(abs)) {
      ctx.problems.add(['cluster', 'tls', key], `TLS ${key} file not found: ${p}`, `paths are relative to the spec's directory (${ctx.dir})`);
    }
    return abs;
  };
  const spec: TlsSpec = {
    caFile: file('ca'),
    certFile: file('cert'),
    keyFile: file('key'),
    rejectUnauthorized: map.rejectUnauthorized !== false,
  };
  if ((spec.certFile === null) !== (spec.keyFile === null)) {
    const missing = spec.certFile === null ? 'cert' : 'key';
    ctx.problems.add(['cluster', 'tls'], `tls.${missing} is missing: a client certificate and its key go together`, 'set both tls.cert and tls.key, or neither', 'key');
  }
  return spec;
}

function sasl(ctx: SpecContext, raw: unknown): SaslSpec | null {
  const map = asMap(raw);
  if (!map) return null;
  const mech = map.mechanism;
  return {
    mechanism: mech === 'scram-sha-256' || mech === 'scram-sha-512' ? mech : 'plain',
    username: interpolateAt(ctx, ['cluster', 'sasl', 'username'], asString(map.username, ''), true),
    password: interpolateAt(ctx, ['cluster', 'sasl', 'password'], asString(map.password, ''), true),
  };
}

/**
 * Normalises `cluster`. Without bootstrap servers the spec must declare containers.kafka, from which the docker
 * module derives them; bootstrapServers then stays empty.
 */
export function normaliseCluster(ctx: SpecContext, raw: unknown, kafkaDeclared: boolean, clusterWritten: boolean): ClusterSpec {
  const map = asMap(raw) ?? {};
  const servers = bootstrapServers(ctx, map.bootstrapServers);
  if (map.bootstrapServers === undefined && !kafkaDeclared) {
    ctx.problems.add(
      clusterWritten ? ['cluster'] : [],
      'no cluster: set cluster.bootstrapServers or declare containers.kafka',
      'add `cluster: { bootstrapServers: [localhost:9092] }` to use a running cluster, or `containers: { kafka: {} }` to run one',
      'key',
    );
  }
  return {
    bootstrapServers: servers,
    clientId: asString(map.clientId, DEFAULT_CLIENT_ID),
    // Both become timers: beyond MAX_TIMER_MS a timer overflows and fires at once.
    connectionTimeoutMs: durationAt(ctx, ['cluster', 'connectionTimeout'], map.connectionTimeout, DEFAULT_CONNECTION_TIMEOUT_MS, 1, MAX_TIMER_MS),
    requestTimeoutMs: durationAt(ctx, ['cluster', 'requestTimeout'], map.requestTimeout, DEFAULT_REQUEST_TIMEOUT_MS, 1, MAX_TIMER_MS),
    tls: tls(ctx, map.tls),
    sasl: sasl(ctx, map.sasl),
  };
}
