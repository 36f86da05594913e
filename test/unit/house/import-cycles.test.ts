import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// No module under src/ may reach itself through relative imports: a cycle means two rooms that each need the
// other, and a module evaluated half-initialised when the cycle is a runtime one. Type-only and dynamic imports
// count too (a type imported from the CLI's entry point still ties every command to it).
const SRC = resolve(import.meta.dirname, '../../../src');

/** Every .ts file under a directory. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Relative module specifiers a file names: import, import type, export ... from, side-effect and dynamic imports. */
export function relativeImports(source: string): string[] {
  const found = [
    ...source.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] as string);
  return found.filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** The file a relative specifier names (`./x.js` is `./x.ts` in the sources). */
function resolveImport(from: string, spec: string): string {
  return resolve(dirname(from), spec.replace(/\.js$/, '.ts'));
}

/** The import graph of src/: file → files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) graph.set(file, relativeImports(readFileSync(file, 'utf8')).map((s) => resolveImport(file, s)));
  return graph;
}

/** Each cycle found by a depth-first walk, as the chain of files from its first member back to itself. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('src/ import graph', () => {
  it('the scan sees type-only, re-export, multi-line and dynamic imports, and skips packages', () => {
    const source = "import type { A } from './a.js';\nexport { B } from '../b.js';\nimport {\n  C,\n} from './c.js';\nimport 'kafkajs';\nconst d = await import('./d.js');";
    expect(relativeImports(source)).toEqual(['./a.js', '../b.js', './c.js', './d.js']);
  });

  it('the walk finds a cycle, and none in a chain', () => {
    expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual([['a', 'b', 'c', 'a']]);
    expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });

  it('reads the whole tree', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get(join(SRC, 'cli/run.ts'))?.length).toBeGreaterThan(3);
  });

  it('has no import cycle', () => {
    const cycles = findCycles(importGraph())
      .map((c) => c.map((f) => relative(SRC, f)).join(' → '));
    expect(cycles, 'move what both modules need into a small file of its own').toEqual([]);
  });
});
