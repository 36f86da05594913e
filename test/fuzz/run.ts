import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKafkaformError } from '../../src/errors.js';
import { plan } from '../../src/plan/planner.js';
import type { Plan } from '../../src/plan/types.js';
import { digestSeeds } from '../../src/seed/digest.js';
import { parseSpec } from '../../src/spec/load.js';
import { Fuzz, generatedSpec, mutate, seedFile } from './generate.js';

/** What one fuzz case came to. */
export interface CaseResult {
  text: string;
  outcome: 'accepted' | 'refused' | 'plan-error';
  /** Why the case breaks the contract (a crash, an unlocated problem); null when it keeps it. */
  violation: string | null;
  plan?: Plan;
  ms: number;
}

const ROOT = join(import.meta.dirname, '../..');
/** Hand-written specs the mutations start from. */
const CORPUS = [readFileSync(join(ROOT, 'kafka.config.yaml'), 'utf8'), readFileSync(join(ROOT, 'test/fixtures/specs/full/kafka.config.yaml'), 'utf8')];

/**
 * The i-th case of a run: even cases are generated specs, odd ones mutate the corpus or a generated spec
 * (one to three edits). Every spec may name seeds/f.jsonl, a generated (often broken) seed file.
 */
export function fuzzCase(seed: number, i: number, port: number): { text: string; seedBytes: Buffer } {
  const f = new Fuzz(seed * 1_000_003 + i);
  let text = i % 2 === 0 ? generatedSpec(f, port) : f.pick([...CORPUS, generatedSpec(f, port)]);
  if (i % 2 === 1) for (let k = 0; k <= f.int(3); k++) text = mutate(f, text);
  if (f.chance(0.3) && /\nseed:\n {2}("?)([^\n"]+)\1:\n/.test(text)) text = text.replace(/\nseed:\n( {2}"?[^\n"]+"?:\n)/, '\nseed:\n$1    files: [seeds/f.jsonl]\n');
  return { text, seedBytes: seedFile(f) };
}

/**
 * Runs one case offline: load the spec, read its seeds, plan against an empty cluster. The contract: a bad
 * spec or seed file is a KafkaformError whose every problem has a file:line:col; nothing else escapes.
 */
export async function runCase(dir: string, text: string, seedBytes: Buffer): Promise<CaseResult> {
  const started = Date.now();
  const file = join(dir, 'kafka.config.yaml');
  writeFileSync(file, text);
  writeFileSync(join(dir, 'seeds/f.jsonl'), seedBytes);
  const done = (r: Omit<CaseResult, 'ms' | 'text'>): CaseResult => ({ ...r, text, ms: Date.now() - started });
  try {
    const spec = parseSpec(text, file, { X: 'x' });
    const seeds = await digestSeeds(spec);
    const p = plan({ spec, seeds }, { cluster: { brokers: [{ nodeId: 1, host: '127.0.0.1', port: 1 }], topics: [], owners: {}, seeds: [], reassigning: [] }, docker: null }, {
      allowDelete: false,
      reseed: false,
      destroy: false,
      removeVolumes: false,
      now: Date.UTC(2026, 0, 1),
    });
    JSON.stringify(p);
    const unlocated = p.diagnostics.find((d) => d.severity === 'error' && d.at === undefined && !['P011'].includes(d.code));
    const errors = p.diagnostics.some((d) => d.severity === 'error');
    return done({ outcome: errors ? 'plan-error' : 'accepted', violation: unlocated ? `unlocated ${unlocated.code}: ${unlocated.message}` : null, plan: p });
  } catch (err) {
    if (!isKafkaformError(err)) return done({ outcome: 'refused', violation: `crash: ${err instanceof Error ? err.stack : String(err)}` });
    if (err.code !== 'KF101' && err.code !== 'KF102') return done({ outcome: 'refused', violation: `unexpected ${err.code}: ${err.message}` });
    const bad = err.problems.find((p) => !p.at || p.at.line < 1 || p.at.col < 1);
    if (err.problems.length === 0 || bad) return done({ outcome: 'refused', violation: `unlocated problem: ${bad?.message ?? err.message}` });
    return done({ outcome: 'refused', violation: null });
  }
}

/** A scratch directory with a seeds/ folder for cases. */
export function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kft-i9-fuzz-'));
  mkdirSync(join(dir, 'seeds'));
  return dir;
}
