import { formatPath, type DocPath } from './text.js';
import { asMap, type SpecContext } from './context.js';
import { normaliseCluster } from './cluster.js';
import { ProblemList } from './problems.js';
import { prefixedSource } from './prefixed-source.js';
import { didYouMean } from './suggest.js';
import { quote } from './text.js';
import { normaliseTopics } from './topics.js';
import type { Spec, TopicSpec } from './types.js';

/**
 * Applies `environments.<name>` to a normalised spec: its `cluster` replaces the root's (bootstrap servers,
 * TLS, SASL), and its `topics.<topic>` entries override partitions, replicationFactor and config keys of topics
 * the spec declares (config keys merge, the environment's win). Positions of overridden values point into the
 * environment's section. Without a name the spec is returned as is.
 */
export function applyEnvironment(ctx: SpecContext, spec: Spec, rawEnvironments: unknown, name: string | undefined): Spec {
  if (name === undefined) return spec;
  const envs = asMap(rawEnvironments) ?? {};
  const raw = envs[name];
  if (raw === undefined) {
    const known = Object.keys(envs);
    const hint = known.length
      ? `use one the spec declares: ${known.map(quote).join(', ')}${didYouMean(name, known)}`
      : 'declare it under environments: in the spec, e.g. environments: { staging: { cluster: { bootstrapServers: [...] } } }';
    ctx.problems.add(known.length ? ['environments'] : [], `environment ${quote(name)} is not declared in the spec`, hint, 'key');
    return spec;
  }
  if (ctx.problems.isCovered(['environments', name])) return spec;
  const env = asMap(raw) ?? {};
  const prefix: DocPath = ['environments', name];
  const problems = new EnvironmentProblems(prefixedSource(ctx.source, prefix), ctx.problems, prefix);
  const envCtx: SpecContext = { ...ctx, source: prefixedSource(ctx.source, prefix), problems };

  let cluster = spec.cluster;
  if (env.cluster !== undefined) cluster = normaliseCluster(envCtx, env.cluster, spec.containers?.kafka != null, true);
  const overrides = new Map(normaliseTopics(envCtx, env.topics).map((t) => [t.name, t]));
  const declared = new Set(spec.topics.map((t) => t.name));
  for (const topic of overrides.keys()) {
    if (!declared.has(topic)) problems.add(['topics', topic], `environment ${quote(name)} overrides topic ${quote(topic)}, which the spec does not declare`, 'declare the topic under topics: first; environments only change declared topics', 'key');
  }
  for (const p of problems.sorted()) ctx.problems.addRaw({ ...p, path: p.path ? `${formatPath(prefix)}.${p.path}` : formatPath(prefix) });
  const topics = spec.topics.map((t) => overlay(t, overrides.get(t.name), asMap(asMap(env.topics)?.[t.name]) ?? {}));
  return { ...spec, cluster, topics };
}

/** An environment's problems: a value the root list already reported (schema, a bad ${VAR}) is not reported again. */
class EnvironmentProblems extends ProblemList {
  constructor(
    source: SpecContext['source'],
    private readonly root: ProblemList,
    private readonly prefix: DocPath,
  ) {
    super(source);
  }

  override isCovered(path: DocPath): boolean {
    return super.isCovered(path) || this.root.isCovered([...this.prefix, ...path]);
  }
}

/**
 * Topic fields an environment may replace besides config keys; the lint's opt-ins (allow, maxPartitions) may
 * differ per environment, since a dev cluster may allow what prod does not.
 */
const OVERRIDABLE = ['partitions', 'replicationFactor', 'allow', 'maxPartitions'] as const;

/** One topic with an environment's override on top; fields the environment does not write stay the root's. */
function overlay(base: TopicSpec, o: TopicSpec | undefined, written: Record<string, unknown>): TopicSpec {
  if (!o) return base;
  const pos = { ...base.pos, config: { ...base.pos.config, ...o.pos.config } };
  const out: TopicSpec = { ...base, config: { ...base.config, ...o.config }, pos };
  for (const key of OVERRIDABLE) {
    if (written[key] === undefined) continue;
    Object.assign(out, { [key]: o[key] });
    if (o.pos[key]) pos[key] = o.pos[key];
  }
  return out;
}
