import type { ObservedConfig } from './observed.js';
import type { ConfigChange, NoopNote, TopicAlterConfigAction } from './types.js';

/** What diffConfigs found for one topic: at most one alterConfig action; noops stay empty (declared values are pinned). */
export interface ConfigDiff {
  action: TopicAlterConfigAction | null;
  noops: NoopNote[];
}

/** How the executor will change overrides: per key (IncrementalAlterConfigs) or the whole set (AlterConfigs). */
export type AlterMethod = TopicAlterConfigAction['method'];

/**
 * Compares a topic's spec config with what the broker reports.
 * Every declared key must be a topic override holding the spec's value: an inherited value (broker config or
 * Kafka default) is pinned even when it is equal, so a later change of the broker default cannot move it. An
 * override the spec does not declare is unset; inherited values of undeclared keys are never drift. Values
 * compare as Kafka strings; the loader already normalised the spec's units.
 */
export function diffConfigs(
  topic: string,
  spec: Record<string, string>,
  observed: Record<string, ObservedConfig>,
  method: AlterMethod = 'incremental',
): ConfigDiff {
  // Only the overrides are sorted (a handful), not every config the broker reports (about 40 per topic).
  const overrideKeys = Object.keys(observed).filter((key) => observed[key]?.source === 'topic');
  const overrides = new Map<string, ObservedConfig>(overrideKeys.sort().map((key) => [key, observed[key]!]));

  const changes: ConfigChange[] = [];
  for (const key of Object.keys(spec).sort()) {
    const want = spec[key] as string;
    const override = overrides.get(key);
    if (override) {
      // A null override is a sensitive value the broker will not show: the spec sets it, so it is set.
      if (override.value !== want) changes.push({ key, op: 'set', from: shown(override), to: want, source: 'topic' });
      continue;
    }
    const effective = observed[key];
    const op = effective && effective.value !== null && effective.value === want ? 'pin' : 'set';
    changes.push({ key, op, from: effective ? shown(effective) : null, to: want, source: effective?.source ?? 'default' });
  }
  for (const [key, override] of overrides) {
    if (key in spec) continue;
    if (override.value === null) continue; // unreadable (sensitive): never unset on our own initiative
    changes.push({ key, op: 'unset', from: shown(override), to: null, source: 'topic' });
  }
  if (changes.length === 0) return { action: null, noops: [] };
  if (method === 'incremental') {
    return { action: { kind: 'topic.alterConfig', topic, method, changes, reason: configReason(changes, []) }, noops: [] };
  }

  const after: Record<string, string> = {};
  const unset = new Set(changes.filter((c) => c.op === 'unset').map((c) => c.key));
  const lost: string[] = [];
  for (const [key, override] of overrides) {
    if (unset.has(key)) continue;
    if (override.value === null) {
      if (!(key in spec)) lost.push(key);
      continue;
    }
    after[key] = override.value;
  }
  for (const c of changes) if (c.op !== 'unset' && c.to !== null) after[c.key] = c.to;
  // AlterConfigs replaces the whole override set and an unreadable value cannot be sent back,
  // so such an override would vanish: the plan says so instead of dropping it silently.
  for (const key of lost) changes.push({ key, op: 'unset', from: null, to: null, source: 'topic' });

  return {
    action: {
      kind: 'topic.alterConfig',
      topic,
      method,
      changes,
      overrides: sortKeys(after),
      reason: `${configReason(changes, lost)}; the whole override set is replaced (the broker lacks IncrementalAlterConfigs)`,
    },
    noops: [],
  };
}

/** The value to show for an entry: never a sensitive one. */
function shown(c: ObservedConfig): string | null {
  return c.sensitive ? null : c.value;
}

/** A one-line reason for display. */
function configReason(changes: ConfigChange[], lost: string[]): string {
  const sets = changes.filter((c) => c.op === 'set').map((c) => c.key);
  const pins = changes.filter((c) => c.op === 'pin').map((c) => c.key);
  const unsets = changes.filter((c) => c.op === 'unset' && !lost.includes(c.key)).map((c) => c.key);
  const parts: string[] = [];
  if (sets.length) parts.push(`the spec sets ${sets.join(', ')}`);
  if (pins.length) parts.push(`the spec declares ${pins.join(', ')}, so ${pins.length === 1 ? 'it is pinned as a topic override' : 'they are pinned as topic overrides'}`);
  if (unsets.length) parts.push(`the spec no longer sets ${unsets.join(', ')}`);
  if (lost.length) parts.push(`unreadable override ${lost.join(', ')} cannot be kept`);
  return parts.join('; ');
}

/** A copy with keys in sorted order, so the plan JSON is byte-stable. */
export function sortKeys(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] as string;
  return out;
}
