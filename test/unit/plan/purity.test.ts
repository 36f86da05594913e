import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The planner is a pure function of (desired, observed): no module under src/plan may reach I/O.
const planDir = join(dirname(fileURLToPath(import.meta.url)), '../../../src/plan');
const forbidden = new Set(['kafkajs', 'dockerode', 'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process', 'net', 'node:net']);

/** Modules a source file imports at runtime (`import type` is erased, so it is allowed). */
function runtimeImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/^\s*import\s+(?!type\s)[^;]*?\bfrom\s+['"]([^'"]+)['"]/gm)) out.push(m[1] as string);
  for (const m of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1] as string);
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1] as string);
  return out;
}

describe('src/plan purity', () => {
  const files = readdirSync(planDir).filter((f) => f.endsWith('.ts'));

  it('the scan recognises multi-line and side-effect imports', () => {
    expect(runtimeImports("import {\n  Kafka,\n} from 'kafkajs';\nimport type Docker from 'dockerode';\nimport 'node:fs';")).toEqual(['kafkajs', 'node:fs']);
  });

  it('finds the planner modules', () => {
    expect(files).toEqual(expect.arrayContaining(['planner.ts', 'topics.ts', 'seeds.ts', 'order.ts', 'assign.ts', 'render-text.ts']));
  });

  for (const f of files) {
    it(`${f} imports no I/O module (type-only imports aside)`, () => {
      const imports = runtimeImports(readFileSync(join(planDir, f), 'utf8'));
      expect(imports.filter((m) => forbidden.has(m))).toEqual([]);
    });
  }
});
