import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8, parseSeedFile } from '../../../src/seed/files.js';

const jsonl = (bytes: Buffer): ReturnType<typeof parseSeedFile> => parseSeedFile(bytes, 'jsonl', 'seeds/p.jsonl');

describe('JSON Lines seed files: exact bytes', () => {
  it('produces a message object value and key as the bytes written (no number rounding)', () => {
    const r = jsonl(Buffer.from('{"key":"u1","value":{"amount":12345678901234567890, "x" : 1.50}}\n{"key":12345678901234567891,"value":1e400}\n'));
    expect(r.problems).toEqual([]);
    expect(r.messages[0]!.key!.toString()).toBe('u1');
    expect(r.messages[0]!.value!.toString()).toBe('{"amount":12345678901234567890, "x" : 1.50}');
    expect(r.messages[1]!.key!.toString()).toBe('12345678901234567891');
    expect(r.messages[1]!.value!.toString()).toBe('1e400');
  });

  it('keeps string values as their text and null as a tombstone', () => {
    const r = jsonl(Buffer.from('{"key":"k","value":"a\\u00e9\\n"}\n{"value":null}\n{"value":"x","key":null}\n'));
    expect(r.messages.map((m) => [m.key?.toString() ?? null, m.value?.toString() ?? null])).toEqual([
      ['k', 'aé\n'],
      [null, null],
      [null, 'x'],
    ]);
  });
});

describe('JSON Lines seed files: invalid UTF-8', () => {
  it('is a located problem, with the column counted in characters', () => {
    const r = jsonl(Buffer.concat([Buffer.from('{"value":"ok"}\n{"value":"é'), Buffer.from([0xff]), Buffer.from('"}\n')]));
    expect(r.problems).toEqual([{ message: 'invalid UTF-8 (byte 0xff): JSON Lines files must be UTF-8', at: { file: 'seeds/p.jsonl', line: 2, col: 12 } }]);
  });

  it('finds overlong forms, surrogates and truncated sequences', () => {
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf5, 0x80, 0x80, 0x80], [0x80]]) {
      const b = Buffer.from([0x61, ...bad, 0x62]);
      expect(firstInvalidUtf8(b, 0, b.length), bad.join(',')).toBe(1);
      expect(jsonl(Buffer.concat([Buffer.from('"a'), Buffer.from(bad), Buffer.from('"')])).problems).toHaveLength(1);
    }
    const good = Buffer.from('aé€😀');
    expect(firstInvalidUtf8(good, 0, good.length)).toBe(good.length);
  });

  it('leaves text files byte for byte', () => {
    const r = parseSeedFile(Buffer.from([0x61, 0xff, 0x62]), 'text', 'seeds/t.txt');
    expect(r.problems).toEqual([]);
    expect([...r.messages[0]!.value!]).toEqual([0x61, 0xff, 0x62]);
  });
});
