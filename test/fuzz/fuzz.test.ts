import { describe, expect, it } from 'vitest';
import { fuzzCase, runCase, scratch, type CaseResult } from './run.js';

/** Cases per run: FUZZ_CASES overrides (CI keeps the default, a bounded few seconds on 2 cores). */
const CASES = Number(process.env.FUZZ_CASES ?? 2500);
const SEED = Number(process.env.FUZZ_SEED ?? 9);

describe('fuzz: generated and mutated specs and seed files', () => {
  it(`${CASES} cases: no crash, no hang, every refusal located`, async () => {
    const dir = scratch();
    const counts = { accepted: 0, refused: 0, 'plan-error': 0 };
    const violations: CaseResult[] = [];
    let slowest = 0;
    for (let i = 0; i < CASES; i++) {
      const { text, seedBytes } = fuzzCase(SEED, i, 52900);
      const r = await runCase(dir, text, seedBytes);
      counts[r.outcome]++;
      slowest = Math.max(slowest, r.ms);
      if (r.violation) violations.push(r);
    }
    console.log(`fuzz seed ${SEED}: ${CASES} cases, ${counts.accepted} accepted, ${counts['plan-error']} plan errors, ${counts.refused} refused; slowest ${slowest} ms`);
    expect(violations.slice(0, 3).map((v) => `${v.violation}\n--- spec ---\n${v.text}`)).toEqual([]);
    // The corpus must exercise both sides, or the suite proves nothing.
    expect(counts.accepted).toBeGreaterThan(CASES / 5);
    expect(counts.refused).toBeGreaterThan(CASES / 4);
  });
});
