import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FetchedMessage } from '../../../src/kafka/fetch.js';
import { formatMessageJson, formatMessageText } from '../../../src/peek/format.js';

// Golden files beside this test; `UPDATE_GOLDEN=1 npx vitest run test/golden/peek` rewrites them.
const here = dirname(fileURLToPath(import.meta.url));

function golden(name: string, actual: string): void {
  const path = join(here, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const base = { topic: 'purchases', partition: 1, offset: '42', timestamp: String(Date.UTC(2024, 0, 1)), headers: {} };
const b = (s: string): Buffer => Buffer.from(s);

/** Fixed inputs covering each display case. */
const MESSAGES: FetchedMessage[] = [
  { ...base, key: b('user-1'), value: b('{"item":"book","qty":2,"tags":["new","gift"]}'), headers: { source: [b('demo')] } },
  { ...base, offset: '43', key: null, value: b('plain text value'), headers: {} },
  { ...base, offset: '44', key: b('user-2'), value: null, headers: {} },
  { ...base, offset: '45', key: Buffer.from([0xff, 0xfe]), value: Buffer.from([0x00, 0xff, 0x10, 0x80]), headers: { bin: [Buffer.from([0xc3])] } },
  { ...base, partition: 0, offset: '7', key: b('k'), value: b('42'), headers: { a: [b('1'), b('2')], b: [b('x')] } },
  { ...base, offset: '46', key: b('esc'), value: b('line one\nline \u001b[31mtwo'), headers: {} },
  { ...base, offset: '47', key: b(''), value: b(''), headers: {}, timestamp: '-1' },
  { ...base, offset: '48', key: b('arr'), value: b('[1, {"deep": {"er": null}}]'), headers: {} },
];

describe('peek format (golden)', () => {
  it('renders readable text', () => {
    golden('text.golden', MESSAGES.flatMap((m) => formatMessageText(m, { color: false })).join('\n') + '\n');
  });

  it('renders colour only when asked', () => {
    const coloured = formatMessageText(MESSAGES[0]!, { color: true }).join('\n') + '\n';
    golden('color.golden', coloured);
    expect(coloured).toContain('\u001b[');
    expect(MESSAGES.flatMap((m) => formatMessageText(m, { color: false })).join('\n')).not.toContain('\u001b');
  });

  it('renders one JSON object per line', () => {
    const out = MESSAGES.map(formatMessageJson).join('\n') + '\n';
    golden('json.golden', out);
    const first = JSON.parse(out.split('\n')[0]!) as Record<string, unknown>;
    expect(first).toEqual({
      topic: 'purchases',
      partition: 1,
      offset: 42,
      timestamp: '2024-01-01T00:00:00.000Z',
      key: 'user-1',
      value: { item: 'book', qty: 2, tags: ['new', 'gift'] },
      headers: { source: 'demo' },
    });
  });
});
