import { asInt, asList, asMap, durationAt, interpolateAt, networkMode, orderedEntries, scalarString, type SpecContext } from './context.js';
import { parsePort, parseVolume } from './compose-syntax.js';
import { DEFAULT_HEALTHCHECK } from './defaults.js';
import { splitShellWords } from './shell-words.js';
import { imageReferenceProblem } from './image-ref.js';
import { didYouMean } from './suggest.js';
import { quote } from './text.js';
import type { HealthcheckSpec, KafkaClusterSpec, PortSpec, ServiceSpec, VolumeSpec } from './types.js';

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const ENV_NAME = /^[^=\s]+$/;

type Path = (string | number)[];

/** Reports an image reference Docker would refuse (checked offline, before anything is created). */
export function checkImage(ctx: SpecContext, path: Path, image: unknown): void {
  if (typeof image !== 'string' || image === '') return;
  const problem = imageReferenceProblem(image);
  if (problem) ctx.problems.add(path, problem, 'write repository[:tag], e.g. apache/kafka:4.4.0 (lower-case repository)');
}

function env(ctx: SpecContext, base: Path, raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const set = (name: string, value: string, path: Path) => {
    if (!ENV_NAME.test(name)) {
      ctx.problems.add(path, `invalid environment variable name ${quote(name)}`, 'names may not contain "=" or spaces', 'key');
      return;
    }
    out[name] = interpolateAt(ctx, path, value, true);
  };
  if (Array.isArray(raw)) {
    raw.forEach((item, i) => {
      if (typeof item !== 'string') return;
      const eq = item.indexOf('=');
      if (eq <= 0) ctx.problems.add([...base, i], `expected "NAME=value", got ${quote(item)}`, 'write each entry as NAME=value');
      else set(item.slice(0, eq), item.slice(eq + 1), [...base, i]);
    });
  } else {
    for (const [name, value] of Object.entries(asMap(raw) ?? {})) {
      const s = scalarString(value);
      if (s !== undefined) set(name, s, [...base, name]);
    }
  }
  return out;
}

function argv(ctx: SpecContext, path: Path, raw: unknown): string[] | null {
  if (typeof raw === 'string') {
    const words = splitShellWords(raw);
    if (!words.ok) {
      ctx.problems.add(path, `${words.error} in ${quote(raw)}`, 'close the quote, or write the command as a list');
      return null;
    }
    return words.value;
  }
  if (Array.isArray(raw)) return raw.map((w) => scalarString(w) ?? '');
  return null;
}

function healthcheck(ctx: SpecContext, base: Path, raw: unknown): HealthcheckSpec | null {
  const m = asMap(raw);
  if (!m) return null;
  let test: string[] = [];
  if (typeof m.test === 'string') test = ['CMD-SHELL', m.test];
  else if (Array.isArray(m.test)) {
    test = m.test.map((w) => scalarString(w) ?? '');
    if (test.length > 0 && !['CMD', 'CMD-SHELL', 'NONE'].includes(test[0]!)) {
      ctx.problems.add([...base, 'test'], `a healthcheck test list must start with CMD or CMD-SHELL, got ${quote(test[0]!)}`, `write ["CMD", ${test.map((t) => JSON.stringify(t)).join(', ')}], or the command as one string`);
    }
  }
  return {
    test,
    intervalMs: durationAt(ctx, [...base, 'interval'], m.interval, DEFAULT_HEALTHCHECK.intervalMs, 1),
    timeoutMs: durationAt(ctx, [...base, 'timeout'], m.timeout, DEFAULT_HEALTHCHECK.timeoutMs, 1),
    retries: asInt(m.retries, DEFAULT_HEALTHCHECK.retries),
    startPeriodMs: durationAt(ctx, [...base, 'startPeriod'], m.startPeriod, DEFAULT_HEALTHCHECK.startPeriodMs, 0),
  };
}

function service(ctx: SpecContext, name: string, raw: unknown): ServiceSpec {
  const base: Path = ['containers', 'services', name];
  const m = asMap(raw) ?? {};
  const ports: PortSpec[] = [];
  asList(m.ports).forEach((p, i) => {
    if (typeof p !== 'string' && typeof p !== 'number') return;
    const r = parsePort(p);
    if (r.ok) ports.push(r.value);
    else ctx.problems.add([...base, 'ports', i], r.error, 'write "8080:80", "127.0.0.1:8080:80/udp" or a single port');
  });
  const volumes: VolumeSpec[] = [];
  asList(m.volumes).forEach((v, i) => {
    if (typeof v !== 'string') return;
    const r = parseVolume(v, ctx.dir);
    if (r.ok) volumes.push(r.value);
    else ctx.problems.add([...base, 'volumes', i], r.error, 'write "name:/path" for a volume, "./dir:/path" for a bind mount, optionally with :ro');
  });
  checkImage(ctx, [...base, 'image'], m.image);
  return {
    name,
    image: typeof m.image === 'string' ? m.image : '',
    env: env(ctx, [...base, 'env'], m.env),
    ports,
    command: argv(ctx, [...base, 'command'], m.command),
    entrypoint: argv(ctx, [...base, 'entrypoint'], m.entrypoint),
    volumes,
    healthcheck: healthcheck(ctx, [...base, 'healthcheck'], m.healthcheck),
    dependsOn: asList(m.dependsOn).filter((d): d is string => typeof d === 'string'),
    network: networkMode(m.network),
    pos: ctx.source.pos(base, 'key'),
  };
}

function checkDependencies(ctx: SpecContext, services: ServiceSpec[], kafka: KafkaClusterSpec | null): void {
  const names = new Set(services.map((s) => s.name));
  const candidates = [...new Set([...(kafka ? ['kafka'] : []), ...names])];
  for (const s of services) {
    s.dependsOn.forEach((dep, i) => {
      const path = ['containers', 'services', s.name, 'dependsOn', i];
      if (dep === s.name) ctx.problems.add(path, `service ${quote(s.name)} depends on itself`, 'remove it from its own dependsOn');
      else if (dep === 'kafka' && !kafka) ctx.problems.add(path, 'dependsOn names "kafka" but containers.kafka is not declared', 'declare containers.kafka, or remove "kafka"');
      else if (dep !== 'kafka' && !names.has(dep)) {
        ctx.problems.add(path, `unknown service ${quote(dep)} in dependsOn${didYouMean(dep, candidates)}`, `dependsOn lists ${candidates.length ? candidates.join(', ') : 'nothing declared yet'}`);
      }
    });
  }
  // Depth-first search; a grey node reached again closes a cycle, reported once at its first member.
  const byName = new Map(services.map((s) => [s.name, s]));
  const state = new Map<string, 'grey' | 'black'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'grey');
    stack.push(name);
    for (const dep of byName.get(name)?.dependsOn ?? []) {
      if (!byName.has(dep) || dep === name) continue;
      if (state.get(dep) === 'grey') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        ctx.problems.add(['containers', 'services', dep, 'dependsOn'], `dependency cycle: ${cycle.join(' → ')}`, 'remove one of these dependsOn entries', 'key');
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(name, 'black');
  };
  for (const s of services) if (!state.has(s.name)) visit(s.name);
}

function checkPorts(ctx: SpecContext, services: ServiceSpec[], kafka: KafkaClusterSpec | null): void {
  const used = new Map<string, string>();
  if (kafka) {
    for (let i = 0; i < kafka.nodes; i++) {
      used.set(`${kafka.port + i}/tcp`, 'containers.kafka');
      used.set(`${kafka.controllerPort + i}/tcp`, 'containers.kafka');
    }
  }
  for (const s of services) {
    s.ports.forEach((p, i) => {
      const key = `${p.host}/${p.protocol}`;
      const owner = used.get(key);
      if (owner !== undefined) {
        const who = owner === 'containers.kafka' ? 'containers.kafka' : `service ${quote(owner)}`;
        ctx.problems.add(['containers', 'services', s.name, 'ports', i], `host port ${key} is already used by ${who}`, 'publish on another host port');
      } else used.set(key, s.name);
    });
  }
}

/** Normalises containers.services in declared order; checks names, dependsOn (known, acyclic) and host port clashes. */
export function normaliseServices(ctx: SpecContext, raw: unknown, kafka: KafkaClusterSpec | null): ServiceSpec[] {
  const services: ServiceSpec[] = [];
  for (const [name, value] of orderedEntries(ctx, ['containers', 'services'], asMap(raw) ?? {})) {
    const path = ['containers', 'services', name];
    if (name === 'kafka') ctx.problems.add(path, 'a service may not be called "kafka": dependsOn uses that name for containers.kafka', 'rename the service', 'key');
    else if (!SERVICE_NAME.test(name)) {
      ctx.problems.add(path, `invalid service name ${quote(name)}: use letters, digits, "_", "." and "-", starting with a letter or digit`, 'rename the service', 'key');
    }
    services.push(service(ctx, name, value));
  }
  checkDependencies(ctx, services, kafka);
  checkPorts(ctx, services, kafka);
  return services;
}
