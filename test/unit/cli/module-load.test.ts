import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Which packages a command loads decides its fixed start-up cost: these tests run the built CLI and list every
// module under node_modules that the process loaded (CommonJS cache and ES module resolutions), at exit.
const ROOT = join(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/src/cli/main.js');

/** A preload that prints, at exit, the node_modules paths this process loaded (CJS require cache and ESM resolutions). */
const PRELOAD = `data:text/javascript,${encodeURIComponent(`
import Module, { register } from 'node:module';
const esm = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (u) => esm.add(u)); port1.unref();
register('data:text/javascript,' + encodeURIComponent(\`
let port; export function initialize(d) { port = d.port; }
export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r; }\`), { data: { port: port2 }, transferList: [port2] });
process.on('exit', () => {
  const all = [...Object.keys(Module._cache), ...esm].filter((p) => p.includes('node_modules/'));
  process.stderr.write('LOADED ' + JSON.stringify(all.map((p) => p.slice(p.lastIndexOf('node_modules/') + 13))) + '\\n');
});`)}`;

/** Runs the built CLI with the preload and returns the node_modules paths it loaded. */
function loaded(args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('node', ['--import', PRELOAD, CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 }, (_err, _stdout, stderr) => {
      const line = stderr.split('\n').find((l) => l.startsWith('LOADED '));
      if (!line) reject(new Error(`no module list in the output:\n${stderr}`));
      else resolve(JSON.parse(line.slice(7)) as string[]);
    });
  });
}

/** The package names among loaded paths. */
function packages(paths: string[]): Set<string> {
  return new Set(paths.map((p) => (p.startsWith('@') ? p.split('/').slice(0, 2).join('/') : p.split('/')[0]!)));
}

const CLIENTS = ['kafkajs', 'dockerode', 'ssh2', 'protobufjs', '@grpc/grpc-js', 'docker-modem'];

describe('a command loads only what it needs', () => {
  it('--version and --help load neither the Kafka nor the Docker client, nor the spec reader', async () => {
    for (const args of [['--version'], ['--help']]) {
      const pkgs = packages(await loaded(args));
      for (const p of [...CLIENTS, 'ajv', 'yaml']) expect(pkgs, `${args[0]} loaded ${p}`).not.toContain(p);
    }
  });

  it('validate of the example spec loads neither client and compiles no JSON Schema at run time', async () => {
    const paths = await loaded(['validate', '-f', 'kafka.config.yaml']);
    const pkgs = packages(paths);
    for (const p of CLIENTS) expect(pkgs, `validate loaded ${p}`).not.toContain(p);
    // The validator is generated at build time: ajv's compiler (core, compile/) must stay unloaded; its small runtime helpers may load.
    expect(paths.filter((p) => p.startsWith('ajv/') && !p.startsWith('ajv/dist/runtime/'))).toEqual([]);
  });

  it('plan of a spec without containers does not load the Docker client', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kft-i16-load-'));
    const file = join(dir, 'kafka.config.yaml');
    // Nothing listens on this port: the plan fails to reach the cluster, after loading what a plan loads.
    writeFileSync(file, 'version: 1\nproject: kft-i16-load\ncluster:\n  bootstrapServers: [127.0.0.1:58999]\ntopics:\n  a: { partitions: 1 }\n');
    const pkgs = packages(await loaded(['plan', '-f', file]));
    expect(pkgs).toContain('kafkajs');
    for (const p of ['dockerode', 'ssh2', 'protobufjs', '@grpc/grpc-js', 'docker-modem']) expect(pkgs, `plan loaded ${p}`).not.toContain(p);
  });
});
