import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planWithContainers } from '../../../src/plan/planner.js';
import { renderPlanText } from '../../../src/plan/render-text.js';
import { cases } from './cases.js';

// UPDATE_GOLDEN=1 rewrites the expected files; review the diff before committing it.
const here = dirname(fileURLToPath(import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

/** Compares text with the golden file, or writes it in update mode. */
function golden(file: string, actual: string): void {
  if (update) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`golden file ${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/golden/plan and review it`);
  }
  expect(actual, `${file} differs; if the change is intended, run with UPDATE_GOLDEN=1 and review the diff`).toBe(expected);
}

describe('plan goldens', () => {
  for (const c of cases) {
    it(c.name, () => {
      const plan = planWithContainers(c.desired, c.observed, c.options, c.containers ?? { actions: [], diagnostics: [] });
      golden(join(here, c.name, 'plan.json'), JSON.stringify(plan, null, 2) + '\n');
      golden(join(here, c.name, 'plan.txt'), renderPlanText(plan, { color: false, verbose: c.verbose ?? false }));
    });
  }

  it('has no leftover or duplicate case names', () => {
    const names = cases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
