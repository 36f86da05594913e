import { it } from 'vitest';
import { parseSpec } from '../../../src/spec/load.js';
const cases: Record<string, string> = {
  tab: 'version: 1\nproject: shop\ntopics:\n\tpurchases: {}\n',
  quote: 'version: 1\nproject: "shop\ntopics: {}\n',
  flow: 'version: 1\nproject: shop\ntopics:\n  a: {partitions: 3\n  b: {}\n',
  colon: 'version: 1\nproject: shop\ncontainers:\n  kafka:\n    nodes: 1\n   port: 9092\n',
};
it('smoke', () => {
  for (const [k, text] of Object.entries(cases)) {
    try { parseSpec(text, 'k.yaml', {}); console.log(k, 'OK'); }
    catch (e) { console.log(k, (e as any).problems.map((p: any) => `  ${p.at?.line}:${p.at?.col} [${p.path ?? ''}] ${p.message}  (hint: ${p.hint})`).join('\n')); }
  }
});
