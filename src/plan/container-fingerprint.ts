import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level and undefined members dropped: equal configs give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Hex sha256 of a string. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hex sha256 of the canonical JSON of a value: the config hash of a create-options object. */
export function hashOf(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** Length of the value digests in a fingerprint: enough to tell values apart, too short to matter as a leak. */
const DIGEST_LENGTH = 12;

/**
 * A flat, secret-free picture of create options: display key → short digest of its value.
 * Env values are only digested, so the fingerprint can live in a container label; two fingerprints
 * are diffed key by key to say what changed ("image", "env FOO", "ports", ...).
 */
export type ConfigFingerprint = Record<string, string>;

/** Create-options members whose display name differs from their key, by where they sit. */
const TOP_LEVEL_NAMES: Record<string, string> = {
  Image: 'image',
  Cmd: 'command',
  Entrypoint: 'entrypoint',
  Healthcheck: 'healthcheck',
  Hostname: 'hostname',
  ExposedPorts: 'ports',
  NetworkingConfig: 'network',
  User: 'user',
  WorkingDir: 'workdir',
};
const HOST_CONFIG_NAMES: Record<string, string> = {
  PortBindings: 'ports',
  Mounts: 'volumes',
  Binds: 'volumes',
  NetworkMode: 'network',
  RestartPolicy: 'restart policy',
};

/** Fingerprint of create options; Labels are left out because kafkaform derives them from the rest. */
export function fingerprint(create: object): ConfigFingerprint {
  const parts: Record<string, unknown[]> = {};
  const add = (key: string, value: unknown): void => {
    (parts[key] ??= []).push(value);
  };
  for (const [key, value] of Object.entries(create)) {
    if (value === undefined || key === 'Labels' || key === 'name') continue;
    if (key === 'Env' && Array.isArray(value)) {
      for (const entry of value as string[]) {
        const eq = entry.indexOf('=');
        add(`env ${eq < 0 ? entry : entry.slice(0, eq)}`, eq < 0 ? null : entry.slice(eq + 1));
      }
    } else if (key === 'HostConfig' && value !== null && typeof value === 'object') {
      for (const [hk, hv] of Object.entries(value as Record<string, unknown>)) {
        if (hv !== undefined) add(HOST_CONFIG_NAMES[hk] ?? `host config ${hk}`, hv);
      }
    } else {
      add(TOP_LEVEL_NAMES[key] ?? key, value);
    }
  }
  const out: ConfigFingerprint = {};
  for (const key of Object.keys(parts).sort()) out[key] = hashOf(parts[key]).slice(0, DIGEST_LENGTH);
  return out;
}

/** Keys whose digests differ between two fingerprints (added and removed keys included), sorted. */
export function fingerprintDiff(before: ConfigFingerprint, after: ConfigFingerprint): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

/** Parses a fingerprint label; null when absent or not a flat string map (made by another version). */
export function parseFingerprint(label: string | undefined): ConfigFingerprint | null {
  if (!label) return null;
  try {
    const parsed: unknown = JSON.parse(label);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const entries = Object.entries(parsed as Record<string, unknown>);
    if (!entries.every(([, v]) => typeof v === 'string')) return null;
    return Object.fromEntries(entries) as ConfigFingerprint;
  } catch {
    return null;
  }
}
