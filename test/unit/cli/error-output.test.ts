import { describe, expect, it } from 'vitest';
import { jsonFromArgs, jsonFromOptions } from '../../../src/cli/error-output.js';

describe('JSON error output', () => {
  it('comes from parsed options: --json, or --format json', () => {
    expect(jsonFromOptions({ json: true })).toBe(true);
    expect(jsonFromOptions({ format: 'json' })).toBe(true);
    expect(jsonFromOptions({ format: 'text' })).toBe(false);
    expect(jsonFromOptions({ format: 'env', json: false })).toBe(false);
    expect(jsonFromOptions({})).toBe(false);
  });

  it('for a command line commander refused, comes from its option tokens', () => {
    expect(jsonFromArgs(['plan', '--json', '--bogus'])).toBe(true);
    expect(jsonFromArgs(['plan', '--format', 'json', '--bogus'])).toBe(true);
    expect(jsonFromArgs(['plan', '--format=json', '--bogus'])).toBe(true);
    expect(jsonFromArgs(['plan', '--format', 'markdown', '--bogus'])).toBe(false);
    expect(jsonFromArgs(['plan', '--bogus'])).toBe(false);
  });

  it('never reads an operand after -- as an option', () => {
    expect(jsonFromArgs(['peek', '--', '--json'])).toBe(false);
    expect(jsonFromArgs(['peek', '--format', '--', 'json'])).toBe(false);
  });
});
