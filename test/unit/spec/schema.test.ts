import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compiledSchema, findSchemaFile } from '../../../src/spec/schema-check.js';
import { topicConfigSchema } from '../../../src/spec/topic-config-schema.js';
import { TOPIC_CONFIG_NAMES } from '../../../src/spec/topic-configs.js';

type Node = Record<string, unknown>;

/** The build-time generator of the standalone validator (a plain .mjs script, imported by path). */
const GENERATOR: string = new URL('../../../scripts/gen-schema-validator.mjs', import.meta.url).href;

// Every property an editor can complete must carry a title and a description.
function undocumented(node: unknown, path: string, out: string[]): string[] {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return out;
  const n = node as Node;
  for (const [name, child] of Object.entries((n.properties ?? {}) as Record<string, Node>)) {
    if (!child.$ref && (typeof child.title !== 'string' || typeof child.description !== 'string')) out.push(`${path}.${name}`);
    undocumented(child, `${path}.${name}`, out);
  }
  for (const key of ['items', 'additionalProperties'] as const) undocumented(n[key], `${path}.${key}`, out);
  for (const [name, def] of Object.entries((n.definitions ?? {}) as Record<string, Node>)) undocumented(def, `#${name}`, out);
  return out;
}

describe('schema/kafka.config.schema.json', () => {
  it('holds the topic config catalogue', () => {
    const schema = JSON.parse(readFileSync(findSchemaFile(), 'utf8')) as { definitions: Node };
    // A test never rewrites a repository file: on a difference it says how to regenerate the schema.
    const stale = 'schema/kafka.config.schema.json is stale against src/spec/topic-configs.ts: run `npm run build && node scripts/update-schema.mjs && npm run build`';
    expect(schema.definitions.topicConfig, stale).toEqual(topicConfigSchema());
    expect(Object.keys((schema.definitions.topicConfig as { properties: Node }).properties), stale).toEqual([...TOPIC_CONFIG_NAMES]);
  });

  it('compiles under ajv strict mode, and the generated validator (npm run build) is up to date with it', async () => {
    const gen = (await import(GENERATOR)) as { specAjv(source: boolean): { compile(s: unknown): unknown }; generate(): string; OUTPUT_FILE: string };
    expect(typeof gen.specAjv(false).compile(JSON.parse(readFileSync(findSchemaFile(), 'utf8')))).toBe('function');
    expect(readFileSync(gen.OUTPUT_FILE, 'utf8'), 'src/generated/schema-validator.ts is stale: run npm run build').toBe(gen.generate());
    expect(typeof compiledSchema().validate).toBe('function');
  });

  it('documents every property with a title and a description', () => {
    const schema = JSON.parse(readFileSync(findSchemaFile(), 'utf8')) as Node;
    expect(undocumented(schema, '', [])).toEqual([]);
  });

  it('uses type unions instead of oneOf/anyOf, so one mistake yields one ajv error', () => {
    const text = readFileSync(findSchemaFile(), 'utf8');
    expect(text).not.toMatch(/"(oneOf|anyOf|allOf)"/);
  });

  it('forbids unknown keys in every mapping of fixed shape', () => {
    const schema = JSON.parse(readFileSync(findSchemaFile(), 'utf8')) as Node;
    const open: string[] = [];
    const walk = (n: unknown, path: string) => {
      if (!n || typeof n !== 'object' || Array.isArray(n)) return;
      const node = n as Node;
      // Topic configs are the one open mapping: keys the catalogue lacks are checked against the live broker.
      if (node.properties && node.additionalProperties !== false && node['x-key-noun'] !== 'topic config') open.push(path);
      for (const [k, v] of Object.entries((node.properties ?? {}) as Node)) walk(v, `${path}.${k}`);
      walk(node.items, `${path}[]`);
      for (const [k, v] of Object.entries((node.definitions ?? {}) as Node)) walk(v, `#${k}`);
    };
    walk(schema, '');
    expect(open).toEqual([]);
  });
});
