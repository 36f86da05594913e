import { describe, expect, it } from 'vitest';
import type { KafkaformError } from '../../../src/errors.js';
import { digestSeeds, materialiseSeeds } from '../../../src/seed/digest.js';
import { definitionHash } from '../../../src/seed/hash.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec, parseSpec } from '../../../src/spec/load.js';

function problems(text: string): string[] {
  try {
    parseSpec(text, 'kafka.config.yaml');
    return [];
  } catch (e) {
    return (e as KafkaformError).problems.map((p) => `${p.at?.line}:${p.at?.col} ${p.message}`);
  }
}

const HEAD = 'version: 1\nproject: p\ncluster: { bootstrapServers: h:1 }\n';

describe('huge inputs', () => {
  it('YAML nested 1,000 deep gets its own error, not a stack overflow', () => {
    const flow = problems(`${HEAD}x-deep: ${'['.repeat(1000)}${']'.repeat(1000)}\n`);
    expect(flow).toEqual(['4:72 the document is nested more than 64 levels deep here (65 levels at least); kafkaform does not read specs this deep']);
    const block = problems(`${HEAD}x-deep:\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i + 1)}a:\n`).join('')}`);
    expect(block).toHaveLength(1);
    expect(block[0]).toContain('nested more than 64 levels deep');
    expect(problems(`${HEAD}x-ok: ${'['.repeat(40)}${']'.repeat(40)}\n`)).toEqual([]);
  });

  it('a spec above 4 MiB is refused before parsing; more than 10,000 topics is a schema error', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kft-i9-')), 'kafka.config.yaml');
    writeFileSync(file, `${HEAD}x-pad: "${'x'.repeat(4 * 1048576)}"\n`);
    await expect(loadSpec(file, {})).rejects.toThrow(/is 4\.0 MiB; kafkaform reads specs up to 4 MiB/);
    const topics = (n: number) => `${HEAD}topics:\n${Array.from({ length: n }, (_, i) => `  t${i}: {}\n`).join('')}`;
    expect(problems(topics(10_001))).toEqual(['5:3 topics must NOT have more than 10000 properties']);
  });

  it('the schema bounds generate counts to what the tool handles', () => {
    const spec = (count: number) => `${HEAD}topics: { t: {} }\nseed:\n  t:\n    generate:\n      - { count: ${count} }\n`;
    expect(problems(spec(10_000_000)).join('\n')).toContain('expected an integer from 1 to 1000000, got 10000000');
    expect(problems(spec(1_000_000))).toEqual([]);
  });

  it('planning digests generated seeds from their definition, without rendering a message', async () => {
    const spec = parseSpec(`${HEAD}topics: { t: {} }\nseed:\n  t:\n    generate:\n      - { id: g, count: 5000, key: "k{{seq}}", value: { id: "{{uuid}}", n: "{{seq}}" }, seed: 7 }\n`, 'kafka.config.yaml');
    const [digest] = await digestSeeds(spec);
    const entry = spec.seeds[0]!.entries[0]!;
    expect(digest).toEqual({ topic: 't', entryId: 'generate:g', hash: definitionHash(entry as Exclude<typeof entry, { kind: 'file' }>), count: 5000, source: 'generated' });
    const applying = await materialiseSeeds(spec);
    expect(applying[0]!.messages).toHaveLength(5000);
    expect(applying[0]).toMatchObject(digest!);
  });
});
