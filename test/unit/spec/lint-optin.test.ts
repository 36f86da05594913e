import { describe, expect, it } from 'vitest';
import { isKafkaformError, type KafkaformError } from '../../../src/errors.js';
import { parseSpec } from '../../../src/spec/load.js';
import { parseAllow } from '../../../src/cli/allow.js';

const HEAD = 'version: 1\nproject: shop\ncontainers:\n  kafka: {}\ntopics:\n  orders:\n';

/** The SPEC_INVALID error of `text`. */
function specError(text: string): KafkaformError {
  try {
    parseSpec(text, 'kafka.config.yaml', {}, {});
  } catch (e) {
    if (isKafkaformError(e) && e.code === 'KF101') return e;
    throw e;
  }
  throw new Error('expected SPEC_INVALID');
}

describe('lint opt-ins in the spec', () => {
  it('reads a topic allow list and partition cap, with positions', () => {
    const spec = parseSpec(`${HEAD}    partitions: 12000\n    maxPartitions: 20000\n    allow: [L001, L010]\n`, 'kafka.config.yaml', {}, {});
    const t = spec.topics[0]!;
    expect(t.allow).toEqual(['L001', 'L010']);
    expect(t.maxPartitions).toBe(20000);
    expect(t.pos.allow).toMatchObject({ line: 9 });
    expect(t.pos.maxPartitions).toMatchObject({ line: 8 });
  });

  it('leaves both absent when not written', () => {
    const t = parseSpec(`${HEAD}    partitions: 3\n`, 'kafka.config.yaml', {}, {}).topics[0]!;
    expect(t.allow).toBeUndefined();
    expect(t.maxPartitions).toBeUndefined();
  });

  it.each([
    ['an unknown code', '    allow: [L999]\n', 'topics.orders.allow'],
    ['a code without a per-topic opt-in', '    allow: [L005]\n', 'topics.orders.allow'],
    ['a cap above 100000', '    maxPartitions: 200000\n', 'topics.orders.maxPartitions'],
  ])('refuses %s at its line and column', (_n, line, path) => {
    const err = specError(`${HEAD}${line}`);
    const p = err.problems[0]!;
    expect(p.path).toContain(path);
    expect(p.at).toMatchObject({ file: 'kafka.config.yaml', line: 7 });
  });
});

describe('--allow', () => {
  it('takes comma-separated and repeated codes, without duplicates', () => {
    expect(parseAllow('L002', parseAllow('l001,L002'))).toEqual(['L001', 'L002']);
  });

  it.each(['L005', 'L007', 'P003', 'retention'])('refuses %s with a usage error naming the valid codes', (code) => {
    expect(() => parseAllow(code)).toThrow(expect.objectContaining({ code: 'KF500', hint: expect.stringContaining('L001, L002') }));
  });
});
