import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// What commands build for seeds: whole `kafkaform` processes, as a user runs them.
// (a) `plan` wall time on a spec with 200,000 generated seed messages against the same spec without seeds
//     (median of KFT_BENCH_ROUNDS, min-max); the cluster is declared as a container that is not running, so
//     plan observes Docker and plans without a broker.
// (b) the peak resident memory (/usr/bin/time -v) of `validate`, `plan` and, with KFT_BENCH_APPLY=1 (starts a
//     broker; with KFT_BENCH_LOCK=<file> only that part runs under `flock <file>`), `apply` then
//     `destroy --volumes`, with a 1 GB JSONL seed file written under the temp dir and deleted afterwards.
//
// Settings (environment): KFT_BENCH_CLI (a built dist/src/cli/main.js; default this checkout's, so a build of
// another commit can be measured), KFT_BENCH_ROUNDS (5), KFT_BENCH_GENERATED (200000), KFT_BENCH_FILE_MB (1024),
// KFT_BENCH_PORT (53000; controller +1), KFT_BENCH_PROJECT (kft-h14s-bench), KFT_BENCH_ONLY (plan,memory),
// KFT_BENCH_CHECKS (the offline commands measured on the 1 GB file: validate,plan; empty for none).

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const env = process.env;
const CLI = env.KFT_BENCH_CLI ?? join(ROOT, 'dist/src/cli/main.js');
const ROUNDS = Number(env.KFT_BENCH_ROUNDS ?? 5);
const GENERATED = Number(env.KFT_BENCH_GENERATED ?? 200_000);
const FILE_MB = Number(env.KFT_BENCH_FILE_MB ?? 1024);
const PORT = Number(env.KFT_BENCH_PORT ?? 53000);
const PROJECT = env.KFT_BENCH_PROJECT ?? 'kft-h14s-bench';
const ONLY = new Set((env.KFT_BENCH_ONLY ?? 'plan,memory').split(','));
const APPLY = env.KFT_BENCH_APPLY === '1';
const LOCK = env.KFT_BENCH_LOCK;
const CHECKS = (env.KFT_BENCH_CHECKS ?? 'validate,plan').split(',').filter((c) => c !== '');

/** Runs `fn` holding `flock LOCK` (a child that holds the lock until killed); without LOCK, just runs it. */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  if (!LOCK) return fn();
  // -o: the sleeping child does not inherit the lock; its own process group lets both be ended together.
  const holder = spawn('flock', ['-o', LOCK, '-c', 'echo locked; exec sleep 86400'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  await new Promise<void>((res, rej) => {
    holder.stdout.on('data', () => res());
    holder.on('exit', (code) => rej(new Error(`flock ${LOCK} exited ${code}`)));
  });
  try {
    return await fn();
  } finally {
    process.kill(-holder.pid!, 'SIGTERM');
  }
}

/** One child process: wall time, peak RSS and exit code. */
interface Sample {
  ms: number;
  maxRssKb: number;
  code: number;
}

/** Runs `kafkaform <args>` under /usr/bin/time -v; exit codes 0 and 2 (changes planned) count as success. */
async function kafkaform(args: string[], cwd: string): Promise<Sample> {
  const t0 = performance.now();
  let stderr = '';
  let code = 0;
  try {
    ({ stderr } = await run('/usr/bin/time', ['-v', process.execPath, CLI, ...args], { cwd, maxBuffer: 64 << 20, timeout: 1_800_000 }));
  } catch (err) {
    const e = err as { code?: number; stderr?: string; stdout?: string };
    code = typeof e.code === 'number' ? e.code : 1;
    stderr = e.stderr ?? '';
    if (code !== 2) throw new Error(`kafkaform ${args.join(' ')} exited ${code}: ${e.stdout ?? ''}${stderr.slice(-2000)}`);
  }
  const ms = performance.now() - t0;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  return { ms, maxRssKb: rss ? Number(rss[1]) : NaN, code };
}

/** A spec whose only cluster is a one-node container on PORT; `seed` is appended as written. */
function specText(seed: string): string {
  return [
    'version: 1',
    `project: ${PROJECT}`,
    'containers:',
    '  kafka:',
    `    port: ${PORT}`,
    `    controllerPort: ${PORT + 1}`,
    '    persistence: none',
    '    heap: 512m',
    'topics:',
    '  bench:',
    '    partitions: 3',
    '    replicationFactor: 1',
    '    config:',
    '      max.message.bytes: 1048588',
    seed,
  ].join('\n');
}

function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]! };
}

function fmt(xs: number[], unit: string, scale = 1): string {
  const { median, min, max } = stats(xs.map((x) => x / scale));
  return `${median.toFixed(2)} ${unit} (${min.toFixed(2)}-${max.toFixed(2)})`;
}

/** (a): plan with and without 200,000 generated messages, alternating in each round. */
async function planTime(dir: string): Promise<void> {
  const plain = join(dir, 'plain.yaml');
  const seeded = join(dir, 'seeded.yaml');
  await writeFile(plain, specText(''));
  await writeFile(
    seeded,
    specText(
      [
        'seed:',
        '  bench:',
        '    generate:',
        '      - id: load',
        `        count: ${GENERATED}`,
        '        key: "user-{{int:1:1000}}"',
        '        value: { order: "{{seq}}", id: "{{uuid}}", item: "{{pick:book|pen|mug}}", at: "{{timestamp}}" }',
        '        seed: 42',
      ].join('\n'),
    ),
  );
  const a: Sample[] = [];
  const b: Sample[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await kafkaform(['-f', plain, 'plan'], dir));
    b.push(await kafkaform(['-f', seeded, 'plan'], dir));
  }
  console.log(`plan, no seeds:                 ${fmt(a.map((s) => s.ms), 's', 1000)}, max RSS ${fmt(a.map((s) => s.maxRssKb), 'MB', 1024)}`);
  console.log(`plan, ${GENERATED} generated:      ${fmt(b.map((s) => s.ms), 's', 1000)}, max RSS ${fmt(b.map((s) => s.maxRssKb), 'MB', 1024)}`);
}

/** Writes a JSON Lines file of about `mb` MiB: message objects with a key and a 200-byte value. */
async function bigFile(path: string, mb: number): Promise<number> {
  const out = createWriteStream(path);
  const pad = 'x'.repeat(180);
  let bytes = 0;
  let n = 0;
  const target = mb * 1024 * 1024;
  while (bytes < target) {
    let chunk = '';
    for (let k = 0; k < 10_000; k++, n++) chunk += `{"key":"k${n % 1000}","value":{"n":${n},"pad":"${pad}"}}\n`;
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
  return n;
}

/** (b): peak RSS of validate, plan (and apply) on a spec with a 1 GB JSONL file. */
async function memory(dir: string): Promise<void> {
  const file = join(dir, 'big.jsonl');
  const n = await bigFile(file, FILE_MB);
  const spec = join(dir, 'big.yaml');
  await writeFile(spec, specText(['seed:', '  bench:', '    files:', '      - big.jsonl'].join('\n')));
  console.log(`seed file: ${FILE_MB} MiB, ${n} messages`);
  try {
    for (const cmd of CHECKS) {
      const s = await kafkaform(['-f', spec, cmd], dir);
      console.log(`${cmd.padEnd(8)} 1 GB JSONL: ${(s.ms / 1000).toFixed(1)} s, max RSS ${(s.maxRssKb / 1024).toFixed(0)} MB`);
    }
    if (APPLY) {
      await withLock(async () => {
        try {
          const s = await kafkaform(['-f', spec, 'apply', '--auto-approve'], dir);
          console.log(`apply    1 GB JSONL: ${(s.ms / 1000).toFixed(1)} s (with broker start), max RSS ${(s.maxRssKb / 1024).toFixed(0)} MB`);
        } finally {
          await kafkaform(['-f', spec, 'destroy', '--auto-approve', '--volumes'], dir).catch((err: unknown) => console.error(`destroy failed: ${String(err)}`));
        }
      });
    }
  } finally {
    await rm(file, { force: true });
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kft-h14s-bench-'));
  try {
    console.log(`cli: ${CLI}`);
    if (ONLY.has('plan')) await planTime(dir);
    if (ONLY.has('memory')) await memory(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
