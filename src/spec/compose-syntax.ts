import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_HOST_IP } from './defaults.js';
import { quote } from './text.js';
import type { PortSpec, VolumeSpec } from './types.js';
import type { Parsed } from './units.js';

function portNumber(s: string, what: string, written: string): Parsed<number> {
  if (/^\d+-\d+$/.test(s)) return { ok: false, error: `port ranges such as ${quote(s)} are not supported; list each port` };
  const n = /^\d{1,5}$/.test(s) ? Number(s) : NaN;
  if (!(n >= 1 && n <= 65535)) return { ok: false, error: `invalid ${what} port in ${quote(written)}: expected 1 to 65535` };
  return { ok: true, value: n };
}

/**
 * Parses a compose short-syntax port: 9000, "9000", "8080:80", "127.0.0.1:8081:80/udp", "[::1]:8080:80".
 * A bare port publishes the same number on the host; the host address defaults to 127.0.0.1 (loopback only).
 */
export function parsePort(input: string | number): Parsed<PortSpec> {
  const written = String(input).trim();
  let rest = written;
  let protocol: PortSpec['protocol'] = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const proto = rest.slice(slash + 1).toLowerCase();
    if (proto !== 'tcp' && proto !== 'udp') return { ok: false, error: `unknown protocol ${quote(proto)} in ${quote(written)}; use tcp or udp` };
    protocol = proto;
    rest = rest.slice(0, slash);
  }
  let hostIp = DEFAULT_HOST_IP;
  const v6 = /^\[([0-9A-Fa-f:.]+)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1]!;
    rest = v6[2]!;
  }
  const parts = rest.split(':');
  if (parts.length === 3 && !v6) hostIp = parts.shift()!;
  if (parts.length < 1 || parts.length > 2 || (v6 && parts.length !== 2) || hostIp === '') {
    return { ok: false, error: `invalid port ${quote(written)}: expected "host:container", "ip:host:container" or a single port` };
  }
  const host = portNumber(parts[0]!, 'host', written);
  if (!host.ok) return host;
  const container = portNumber(parts[parts.length - 1]!, 'container', written);
  if (!container.ok) return container;
  return { ok: true, value: { host: host.value, container: container.value, protocol, hostIp } };
}

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * Parses a compose short-syntax mount: "name:/target" is a managed volume; "./dir:/target", "../dir:/target" and
 * "/abs:/target" are binds, resolved against `baseDir`; an optional ":ro" or ":rw" suffix sets the mode.
 */
export function parseVolume(input: string, baseDir: string): Parsed<VolumeSpec> {
  const parts = input.split(':');
  if (parts.length === 1) {
    return { ok: false, error: `anonymous volume ${quote(input)} is not supported; name it, e.g. "data:${input}"` };
  }
  if (parts.length > 3) return { ok: false, error: `invalid volume ${quote(input)}: expected source:target or source:target:ro` };
  const [source = '', target = '', mode = 'rw'] = parts;
  if (mode !== 'ro' && mode !== 'rw') return { ok: false, error: `invalid mode ${quote(mode)} in ${quote(input)}; use ro or rw` };
  if (!target.startsWith('/')) return { ok: false, error: `volume target ${quote(target)} must be an absolute path inside the container` };
  const readOnly = mode === 'ro';
  if (source.startsWith('.') || isAbsolute(source)) {
    return { ok: true, value: { kind: 'bind', source: resolve(baseDir, source), target, readOnly } };
  }
  if (source.startsWith('~')) return { ok: false, error: `${quote(source)}: "~" is not expanded; write an absolute path or one relative to the spec` };
  if (!VOLUME_NAME.test(source)) {
    return { ok: false, error: `invalid volume name ${quote(source)}: use letters, digits, "_", "." and "-", or start a bind path with ./ or /` };
  }
  return { ok: true, value: { kind: 'volume', source, target, readOnly } };
}
