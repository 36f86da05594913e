import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../support/cluster.js';
import { oneNodeSpec, packedProject, projectContainers, readmeSnippets, removeProject, ROOT, run } from '../support/project.js';

// kafkaform as a user installs it: `npm pack` of this tree, `npm i -D <tarball>` in a fresh project, then the
// README's vitest and Jest snippets run there, unchanged, against a real broker. Project kft-i13-readme, port 54192.

const PROJECT = 'kft-i13-readme';
const PORT = 54192;
const VITEST = join(ROOT, 'node_modules/.bin/vitest');
const TSC = join(ROOT, 'node_modules/.bin/tsc');
let dir: string;

beforeAll(async () => {
  await requireDocker();
  await removeProject(PROJECT);
  dir = await packedProject('kft-i13-pkg-');
  writeFileSync(join(dir, 'kafka.config.yaml'), oneNodeSpec(PROJECT, PORT));
  for (const [name, code] of readmeSnippets()) writeFileSync(join(dir, name), code);
}, 300_000);

afterAll(async () => {
  await removeProject(PROJECT);
});

describe('the packed package', () => {
  it('installs with its CLI: npx kafkaform --version', async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const r = await run('npx', ['kafkaform', '--version'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(version);
  });

  it('exports the API as ESM: up, down, plan, apply and KafkaformError', async () => {
    const script = "import * as k from 'kafkaform'; console.log(JSON.stringify(Object.keys(k).sort()), new k.KafkaformError('KF500', 'x') instanceof Error);";
    const r = await run('node', ['--input-type=module', '-e', script], { cwd: dir });
    expect(r.stderr).toBe('');
    const [keys, isError] = r.stdout.trim().split(' ');
    expect(JSON.parse(keys!)).toEqual(expect.arrayContaining(['up', 'down', 'plan', 'apply', 'KafkaformError', 'ErrorCodes']));
    expect(isError).toBe('true');
  });

  it('ships types a strict TypeScript consumer compiles against (and a wrong call fails to compile)', async () => {
    const consumer = [
      "import { up, down, plan, KafkaformError, type KafkaEnvironment, type Plan } from 'kafkaform';",
      'export async function main(): Promise<string> {',
      "  const env: KafkaEnvironment = await up({ file: 'kafka.config.yaml', vars: { A: 'b' } });",
      "  const p: Plan = await plan({ file: 'kafka.config.yaml' });",
      '  await env[Symbol.asyncDispose]();',
      '  await down({ volumes: true });',
      "  try { await up(); } catch (e) { if (e instanceof KafkaformError) return e.code; }",
      "  return env.bootstrapServers.join(',') + env.client.clientId + p.actions.length + env.topics[0]?.name;",
      '}',
    ].join('\n');
    writeFileSync(join(dir, 'consumer.ts'), consumer);
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types')];
    const ok = await run(TSC, [...args, 'consumer.ts'], { cwd: dir });
    expect(ok.stdout + ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    writeFileSync(join(dir, 'wrong.ts'), "import { up } from 'kafkaform';\nawait up({ file: 42 });\n");
    const wrong = await run(TSC, [...args, 'wrong.ts'], { cwd: dir });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout).toMatch(/wrong\.ts\(2,.*Type 'number' is not assignable to type 'string'/);
  });
});

describe("the README's test-suite snippets, run as written", () => {
  it('has the three snippets', () => {
    expect([...readmeSnippets().keys()].sort()).toEqual(['jest.global-setup.mjs', 'jest.global-teardown.mjs', 'vitest.global-setup.mjs']);
  });

  it('vitest globalSetup: brings the spec up for the tests, warm on the second run, removed with CI set', async () => {
    writeFileSync(join(dir, 'vitest.config.mjs'), "export default { test: { globalSetup: ['./vitest.global-setup.mjs'], include: ['kafka.test.mjs'], globals: true } };\n");
    writeFileSync(
      join(dir, 'kafka.test.mjs'),
      [
        "import { Kafka, logLevel } from 'kafkajs';",
        "test('the topic is there', async () => {",
        "  const admin = new Kafka({ brokers: process.env.KAFKA_BOOTSTRAP_SERVERS.split(','), logLevel: logLevel.NOTHING }).admin();",
        '  await admin.connect();',
        "  const [orders] = (await admin.fetchTopicMetadata({ topics: ['orders'] })).topics;",
        '  await admin.disconnect();',
        '  expect(orders.partitions.length).toBe(3);',
        `  expect(process.env.KAFKA_BOOTSTRAP_SERVERS).toBe('127.0.0.1:${PORT}');`,
        '});',
      ].join('\n'),
    );
    const first = await run(VITEST, ['run', '--root', dir], { cwd: dir, env: { CI: '' } });
    expect(first.stdout + first.stderr).toMatch(/1 passed/);
    expect(first.code).toBe(0);
    expect(await projectContainers(PROJECT)).toEqual([`${PROJECT}-kafka-1`]);
    // The seed, read by an independent client (kcat, read_committed), while the cluster is still up.
    const seeded = await run('kcat', ['-b', `127.0.0.1:${PORT}`, '-C', '-t', 'orders', '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%k\n']);
    expect(seeded.stdout.trim().split('\n').sort()).toEqual(['alice', 'bob']);
    const second = await run(VITEST, ['run', '--root', dir], { cwd: dir, env: { CI: 'true' } });
    expect(second.stdout + second.stderr).toMatch(/1 passed/);
    expect(await projectContainers(PROJECT)).toEqual([]);
  });

  it('Jest globalSetup/globalTeardown: called the way Jest calls them (default export, one process)', async () => {
    const jest = [
      "const setup = await import('./jest.global-setup.mjs');",
      'await setup.default();',
      'console.log(process.env.KAFKA_BOOTSTRAP_SERVERS);',
      "process.env.CI = 'true';",
      "const teardown = await import('./jest.global-teardown.mjs');",
      'await teardown.default();',
    ].join('\n');
    const r = await run('node', ['--input-type=module', '-e', jest], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`127.0.0.1:${PORT}`);
    expect(await projectContainers(PROJECT)).toEqual([]);
  });
});
