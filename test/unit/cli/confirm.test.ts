import { describe, expect, it } from 'vitest';
import { confirm } from '../../../src/cli/terminal.js';

describe('confirm without a TTY', () => {
  it('names the command it refuses', async () => {
    if (process.stdin.isTTY) return;
    await expect(confirm('q', false, 'destroy')).rejects.toThrow('refusing to destroy without confirmation: standard input is not a terminal');
    await expect(confirm('q', false)).rejects.toThrow('refusing to apply without confirmation');
  });
});
