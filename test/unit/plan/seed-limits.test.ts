import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/planner.js';
import { seedDigest, cfg, cluster, desired, observed, observedTopic, options, seedSpec, spec, topic } from './builders.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 1);

/** Codes of a plan seeding one entry of topic t, with the given topic config, cluster topics and entry limits. */
function codes(config: Record<string, string>, entry: { largestMessageBytes?: number; oldestTimestampMs?: number | null }, liveConfig?: Record<string, string>) {
  const s = spec({ topics: [topic('t', { config })], seeds: [seedSpec('t', ['inline:a'])] });
  const live = liveConfig ? [observedTopic('t', { configs: Object.fromEntries(Object.entries(liveConfig).map(([k, v]) => [k, cfg(v, 'default')])) })] : [];
  const p = plan(desired(s, [{ ...seedDigest('t', 'inline:a'), ...entry }]), observed(cluster({ topics: live, owners: live.length ? { t: 'shop' } : {} })), options({ now: NOW }));
  return p.diagnostics.map((d) => `${d.code} ${d.severity}`);
}

describe('seed messages against the topic limits', () => {
  it('P020: a message above the spec max.message.bytes is a plan error', () => {
    expect(codes({ 'max.message.bytes': '10240' }, { largestMessageBytes: 20_000 })).toEqual(['P020 error']);
    expect(codes({ 'max.message.bytes': '10240' }, { largestMessageBytes: 10_000 })).toEqual([]);
  });

  it("P020: without a spec value the broker's observed value counts, else Kafka's default", () => {
    expect(codes({}, { largestMessageBytes: 2_000_000 })).toEqual(['P020 error']);
    expect(codes({}, { largestMessageBytes: 2_000_000 }, { 'max.message.bytes': '4194304' })).toEqual([]);
    expect(codes({}, { largestMessageBytes: 600_000 }, { 'max.message.bytes': '500000' })).toEqual(['P020 error']);
  });

  it('P021: timestamps older than retention warn; -1, compact-only and LogAppendTime do not', () => {
    const old = { oldestTimestampMs: NOW - 10 * DAY };
    expect(codes({}, old)).toEqual(['P021 warning']);
    expect(codes({ 'retention.ms': String(30 * DAY) }, old)).toEqual([]);
    expect(codes({ 'retention.ms': '-1' }, old)).toEqual([]);
    expect(codes({ 'cleanup.policy': 'compact' }, old)).toEqual([]);
    expect(codes({ 'message.timestamp.type': 'LogAppendTime' }, old)).toEqual([]);
    expect(codes({}, { oldestTimestampMs: null })).toEqual([]);
  });
});
