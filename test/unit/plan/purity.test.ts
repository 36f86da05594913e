import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The planner is a pure function of (desired, observed): no module reachable from src/plan may reach I/O.
const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');
const planDir = join(srcDir, 'plan');
const forbidden = new Set([
  'kafkajs',
  'dockerode',
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'child_process',
  'node:child_process',
  'net',
  'node:net',
  'dgram',
  'node:dgram',
  'http',
  'node:http',
  'https',
  'node:https',
  'tls',
  'node:tls',
]);

/** Modules a source file imports at runtime (`import type` is erased, so it is allowed); re-exports count too. */
function runtimeImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/^\s*import\s+(?!type\s)[^;]*?\bfrom\s+['"]([^'"]+)['"]/gm)) out.push(m[1] as string);
  for (const m of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1] as string);
  for (const m of source.matchAll(/^\s*export\s+(?!type\s)[^;]*?\bfrom\s+['"]([^'"]+)['"]/gm)) out.push(m[1] as string);
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1] as string);
  for (const m of source.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1] as string);
  return out;
}

/** The .ts file a relative import names (`./x.js` is written for `./x.ts`). */
function resolveRelative(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts'), base];
  const found = candidates.find((c) => c.endsWith('.ts') && existsSync(c));
  if (!found) throw new Error(`${relative(srcDir, from)}: cannot resolve ${spec}`);
  return found;
}

/**
 * Every file reachable through runtime relative imports from `roots`, with the non-relative modules each imports,
 * and for each file the import chain that reached it (for a readable failure).
 */
function closure(roots: string[]): Map<string, { external: string[]; via: string[] }> {
  const seen = new Map<string, { external: string[]; via: string[] }>();
  const queue: { file: string; via: string[] }[] = roots.map((file) => ({ file, via: [] }));
  while (queue.length > 0) {
    const { file, via } = queue.shift()!;
    if (seen.has(file)) continue;
    const imports = runtimeImports(readFileSync(file, 'utf8'));
    const external = imports.filter((m) => !m.startsWith('.'));
    seen.set(file, { external, via });
    for (const m of imports.filter((x) => x.startsWith('.'))) {
      queue.push({ file: resolveRelative(file, m), via: [...via, relative(srcDir, file)] });
    }
  }
  return seen;
}

describe('src/plan purity', () => {
  const files = readdirSync(planDir).filter((f) => f.endsWith('.ts'));
  const reachable = closure(files.map((f) => join(planDir, f)));

  it('the scan recognises multi-line, side-effect, re-export and dynamic imports', () => {
    const source = "import {\n  Kafka,\n} from 'kafkajs';\nimport type Docker from 'dockerode';\nimport 'node:fs';\nexport { x } from 'node:net';\nexport type { Y } from 'dockerode';\nconst d = await import('dockerode');";
    expect(runtimeImports(source)).toEqual(['kafkajs', 'node:fs', 'node:net', 'dockerode']);
  });

  it('finds the planner modules', () => {
    expect(files).toEqual(expect.arrayContaining(['planner.ts', 'topics.ts', 'seeds.ts', 'order.ts', 'assign.ts', 'render-text.ts', 'desired-containers.ts']));
  });

  it('follows relative imports beyond src/plan (the closure includes the spec and words modules it uses)', () => {
    const names = [...reachable.keys()].map((f) => relative(srcDir, f));
    expect(names).toEqual(expect.arrayContaining(['plan/planner.ts', 'words.ts', 'errors.ts']));
    expect(names.some((n) => !n.startsWith('plan/'))).toBe(true);
  });

  it('no module in the planner\'s import closure imports an I/O module (type-only imports aside)', () => {
    const offenders = [...reachable.entries()].flatMap(([file, { external, via }]) =>
      external.filter((m) => forbidden.has(m)).map((m) => `${[...via, relative(srcDir, file)].join(' -> ')} imports ${m}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the planner imports nothing from the I/O folders (src/docker, src/apply, src/cli)', () => {
    const io = [...reachable.keys()].map((f) => relative(srcDir, f)).filter((n) => /^(docker|apply|cli)\//.test(n));
    expect(io).toEqual([]);
  });
});
