import { describe, expect, it } from 'vitest';
import { isScanError, scanJsonLine } from '../../../src/seed/json-scan.js';

const scan = (text: string): ReturnType<typeof scanJsonLine> => {
  // Trailing bytes after `end` belong to the next line and must never be read.
  const buf = Buffer.from(`${text}\n{"next":"line"}`);
  return scanJsonLine(buf, 0, Buffer.byteLength(text));
};

describe('scanJsonLine', () => {
  const valid = ['{}', '[]', '0', '-0.5e+10', '"s\\u00e9\\n"', 'true', 'null', ' {"a":[1,{"b":null}],"c":"ü"} ', '[1,2,[3,[4]]]', '1E5', '"\\/"'];
  const invalid = ['{', '[1,]', '{"a":1,}', '01', '-', '1.', '1e', 'tru', 'nul', '"abc', '"\\x"', '"\\u12g4"', '{"a" 1}', '{a:1}', '[1 2]', '1 2', '"tab\there"', "'s'", '+1', '.5'];

  it('accepts exactly what JSON.parse accepts', () => {
    for (const text of [...valid, ...invalid]) {
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      expect({ text, valid: !isScanError(scan(text)) }).toEqual({ text, valid: parses });
    }
  });

  it('stops at the end of the line even when the buffer goes on', () => {
    expect(isScanError(scan('{"a":'))).toBe(true);
    expect(isScanError(scan('[1'))).toBe(true);
    expect(isScanError(scan('tr'))).toBe(true);
  });

  it('classifies message objects by their top-level keys only', () => {
    expect(scan('{"value":1}')).toEqual({ kind: 'object', messageObject: true });
    expect(scan('{"key":"k","value":{"x":1},"headers":{},"partition":0,"timestamp":1}')).toEqual({ kind: 'object', messageObject: true });
    expect(scan('{"value":1,"other":2}')).toEqual({ kind: 'object', messageObject: false });
    expect(scan('{"key":"k"}')).toEqual({ kind: 'object', messageObject: false });
    expect(scan('{"a":{"value":1}}')).toEqual({ kind: 'object', messageObject: false });
    expect(scan('"value"')).toEqual({ kind: 'string', messageObject: false });
    expect(scan('[{"value":1}]')).toEqual({ kind: 'other', messageObject: false });
  });

  it('points at the offending byte with a short message', () => {
    expect(scan('{"a":1,}')).toEqual({ offset: 7, message: 'unexpected token "}", expected a property name in double quotes' });
    expect(scan('[1 2]')).toEqual({ offset: 3, message: `unexpected token "2", expected ',' or ']'` });
    expect(scan('{"a":1} x')).toEqual({ offset: 8, message: 'unexpected token "x" after the JSON value' });
    expect(scan('{"a":')).toEqual({ offset: 5, message: 'unexpected end of line, expected a JSON value' });
    expect(scan('ü')).toEqual({ offset: 0, message: 'unexpected token "ü", expected a JSON value' });
  });

  it('scans deep nesting without overflowing the stack, as JSON.parse does', () => {
    const r = scan('['.repeat(100_000));
    expect(isScanError(r) && r.message).toBe('unexpected end of line, expected a JSON value');
    expect(scan(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toEqual({ kind: 'other', messageObject: false });
  });
});
