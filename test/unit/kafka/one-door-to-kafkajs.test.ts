import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every reach past kafkajs' public API lives in one file, so a kafkajs upgrade or a client swap has one file
// to change; and only src/kafka/ talks to kafkajs at all.
const srcDir = join(dirname(fileURLToPath(import.meta.url)), '../../../src');
const DOOR = 'kafka/kafkajs-internals.ts';

/** What counts as reaching into kafkajs' internals, anywhere but the door. */
const INTERNALS: [string, RegExp][] = [
  ['requires a kafkajs/src/... module', /['"`]kafkajs\/src\//],
  ['looks up a private symbol', /getOwnPropertySymbols|['"`]private:/],
  ["uses kafkajs' request lookup", /\blookupRequest\b/],
  ["replaces a request's encoder", /\.encode\s*=(?!=)/],
];
/** What counts as talking to kafkajs at all, outside src/kafka/. */
const OUTSIDE_KAFKA: [string, RegExp][] = [
  ['imports kafkajs', /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|\)\s*\(\s*)['"`]kafkajs(?:\/[^'"`]*)?['"`]/],
  ["uses a connection's internal kafkajs cluster", /\.internal\(\s*\)/],
];

/** The rules a source file at `path` (relative to src/) breaks. */
function reachIns(path: string, source: string): string[] {
  if (path === DOOR) return [];
  const rules = path.startsWith('kafka/') ? INTERNALS : [...INTERNALS, ...OUTSIDE_KAFKA];
  return rules.filter(([, re]) => re.test(source)).map(([what]) => `${path} ${what}`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('one door to kafkajs', () => {
  it('the scan recognises every kind of reach-in it forbids', () => {
    expect(reachIns('kafka/fetch.ts', "const Batch = require('kafkajs/src/consumer/batch');")).toHaveLength(1);
    expect(reachIns('kafka/x.ts', "s.description === 'private:Broker:sendRequest'")).toHaveLength(1);
    expect(reachIns('kafka/x.ts', 'broker.lookupRequest(0, requests.Produce)')).toHaveLength(1);
    expect(reachIns('kafka/x.ts', 'protocol.request.encode = async () => body;')).toHaveLength(1);
    expect(reachIns('seed/compression.ts', "import type { CompressionTypes } from 'kafkajs';")).toHaveLength(1);
    expect(reachIns('seed/x.ts', "createRequire(import.meta.url)('kafkajs').CompressionCodecs")).toHaveLength(1);
    expect(reachIns('apply/x.ts', 'const cluster = await conn.internal();')).toHaveLength(1);
    expect(reachIns('kafka/client.ts', "import { Kafka } from 'kafkajs';")).toEqual([]);
    expect(reachIns('seed/x.ts', "// kafkajs-snappy and '@kafkajs/zstd' are codecs; a === b")).toEqual([]);
    expect(reachIns(DOOR, "require('kafkajs/src/protocol/requests')")).toEqual([]);
  });

  it('finds the door and the Kafka modules', () => {
    const files = sourceFiles(srcDir).map((f) => relative(srcDir, f));
    expect(files).toEqual(expect.arrayContaining([DOOR, 'kafka/client.ts', 'kafka/fetch.ts', 'kafka/record-batch-transaction.ts']));
  });

  it('no file but src/kafka/kafkajs-internals.ts reaches into kafkajs, and none outside src/kafka/ imports it', () => {
    const found = sourceFiles(srcDir).flatMap((f) => reachIns(relative(srcDir, f).split('\\').join('/'), readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });
});
