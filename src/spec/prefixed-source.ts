import type { DocPath } from './text.js';
import type { SourceMap } from './yaml-source.js';

/** SourceMap methods that take a document path first. */
const PATH_METHODS = new Set<PropertyKey>(['node', 'pos', 'keys', 'raw', 'posOfText', 'plainSource']);

/**
 * A view of a SourceMap in which every path is under `prefix`: the section normalisers, which address
 * `['topics', name, …]` or `['cluster', …]`, then locate values written under `environments.<env>.…`.
 */
export function prefixedSource(base: SourceMap, prefix: DocPath): SourceMap {
  return new Proxy(base, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      const fn = v as (...args: unknown[]) => unknown;
      if (!PATH_METHODS.has(prop)) return fn.bind(target);
      return (path: DocPath, ...rest: unknown[]) => fn.call(target, [...prefix, ...path], ...rest);
    },
  });
}
