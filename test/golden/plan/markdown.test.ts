import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planWithContainers } from '../../../src/plan/planner.js';
import { renderPlanMarkdown } from '../../../src/plan/render-markdown.js';
import { cases } from './cases.js';

// The pull-request format: plan.md next to plan.txt for the cases that show every part of it.
// UPDATE_GOLDEN=1 rewrites the expected files; review the diff before committing it.
const here = dirname(fileURLToPath(import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';
const MARKDOWN_CASES = ['shop-changes', 'adopt', 'access', 'lint', 'unknown-cluster', 'refusals', 'no-changes', 'many-unmanaged'];

describe('plan markdown goldens', () => {
  for (const c of cases.filter((x) => MARKDOWN_CASES.includes(x.name))) {
    it(c.name, () => {
      const plan = planWithContainers(c.desired, c.observed, c.options, c.containers ?? { actions: [], diagnostics: [] });
      const actual = renderPlanMarkdown(plan);
      const file = join(here, c.name, 'plan.md');
      if (update) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, actual);
        return;
      }
      expect(actual, `${file} differs; if intended, run with UPDATE_GOLDEN=1 and review the diff`).toBe(readFileSync(file, 'utf8'));
    });
  }

  it('is stable: no colour codes, no timestamps, same text for the same plan', () => {
    for (const c of cases) {
      const plan = planWithContainers(c.desired, c.observed, c.options, c.containers ?? { actions: [], diagnostics: [] });
      const md = renderPlanMarkdown(plan);
      expect(md.includes('\u001b[')).toBe(false);
      // The renderer adds no time of its own: a timestamp appears only if the plan's data holds one.
      if (!/\d{4}-\d{2}-\d{2}T\d{2}:/.test(JSON.stringify(plan))) expect(md).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
      expect(renderPlanMarkdown(structuredClone(plan))).toBe(md);
    }
  });
});
