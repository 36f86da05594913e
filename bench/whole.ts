import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { BENCH_IMAGE, benchBrokerEnv, startBenchBroker } from './broker.js';
import { benchTopicNames } from './floor.js';
import { payloadFile } from './seed.js';

// Whole-command benchmark: real `kafkaform` processes, as a user runs them, side by side with the raw floor
// (one kafkajs process, one batched request) and with real peers (topicctl, kcat, the tutorial's docker run +
// kafka-topics loop). Every scenario runs its contenders in interleaved rounds; it prints medians with min-max
// and ratios, and writes a JSON result. It removes only containers and topics it created.
//
// Settings (environment): KFT_BENCH_ROUNDS (5), KFT_BENCH_TOPICS (1000), KFT_BENCH_SEED_MESSAGES (100000,1000000),
// KFT_BENCH_PORT (58100; controller +100, cold start +200/+300), KFT_BENCH_NAME (kft-bench-whole),
// KFT_BENCH_OUT (.bench/whole.json), KFT_BENCH_ONLY (comma list of scenarios), KFT_BENCH_TOPICCTL (path, or
// built by bench/peers/install-topicctl.sh), KFT_BENCH_TOPICCTL_DEFAULT_TOPICS (10), KFT_BENCH_KAFKA_TOOLS_DIR.

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const FLOOR = join(ROOT, 'dist/bench/floor.js');

const env = process.env;
const ROUNDS = Number(env.KFT_BENCH_ROUNDS ?? 5);
const TOPICS = Number(env.KFT_BENCH_TOPICS ?? 1000);
/** Seed sizes measured, one scenario each (comma list). */
const SEED_MESSAGES = (env.KFT_BENCH_SEED_MESSAGES ?? '100000,1000000').split(',').map(Number);
const PORT = Number(env.KFT_BENCH_PORT ?? 58100);
const NAME = `${env.KFT_BENCH_NAME ?? 'kft-bench-whole'}-${process.pid}`;
const OUT = env.KFT_BENCH_OUT ?? join(ROOT, '.bench/whole.json');
const ONLY = env.KFT_BENCH_ONLY ? new Set(env.KFT_BENCH_ONLY.split(',')) : null;
const TOPICCTL_DEFAULT_TOPICS = Number(env.KFT_BENCH_TOPICCTL_DEFAULT_TOPICS ?? 10);
const RETENTION_7D = 604_800_000;

/** One measured process: wall time and the child's peak resident memory (when /usr/bin/time is there). */
interface Sample {
  ms: number;
  maxRssKb?: number;
}

/** The samples of one contender in one scenario. */
interface Series {
  label: string;
  samples: Sample[];
  note?: string;
}

/** A scenario's contenders and what its ratios compare. */
interface Scenario {
  name: string;
  title: string;
  series: Record<string, Series>;
  ratios: { of: string; to: string }[];
  skipped: string[];
}

const scenarios: Scenario[] = [];
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Runs one process to its end and measures it; throws with its output when it fails (unless ok accepts the code). */
async function measure(cmd: string, args: string[], o: { input?: string; cwd?: string; ok?: (code: number) => boolean } = {}): Promise<Sample & { stdout: string }> {
  const rssFile = join(tmpdir(), `${NAME}-rss-${Math.random().toString(36).slice(2)}`);
  const [file, argv] = TIME ? [TIME, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(file, argv, { cwd: o.cwd ?? ROOT, env: { ...env, NO_COLOR: '1' }, stdio: [o.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c ?? -1, stdout: out, stderr: err }));
    if (o.input && child.stdin) {
      void readFile(o.input).then((buf) => child.stdin!.end(buf));
    }
  });
  const ms = performance.now() - t0;
  if (!(o.ok ?? ((c) => c === 0))(code)) throw new Error(`${cmd} ${args.slice(0, 4).join(' ')} exited ${code}:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`);
  let maxRssKb: number | undefined;
  if (TIME) {
    maxRssKb = Number((await readFile(rssFile, 'utf8').catch(() => '')).trim().split('\n').pop()) || undefined;
    await rm(rssFile, { force: true });
  }
  return { ms, maxRssKb, stdout };
}

/** A scenario with its contenders, recorded in the result. */
function scenario(name: string, title: string, labels: Record<string, string>, ratios: { of: string; to: string }[]): Scenario {
  const s: Scenario = { name, title, series: {}, ratios, skipped: [] };
  for (const [key, label] of Object.entries(labels)) s.series[key] = { label, samples: [] };
  scenarios.push(s);
  return s;
}

/** Runs `rounds` rounds; each round runs every contender once, starting with a different one each round. */
async function interleave(s: Scenario, rounds: number, contenders: Record<string, ((round: number) => Promise<Sample>) | null>): Promise<void> {
  const keys = Object.keys(contenders).filter((k) => contenders[k]);
  for (const k of Object.keys(contenders)) if (!contenders[k]) delete s.series[k];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(i + r) % keys.length]!;
      const sample = await contenders[key]!(r);
      s.series[key]!.samples.push(sample);
      process.stderr.write(`  ${s.name} round ${r + 1}/${rounds} ${key}: ${(sample.ms / 1000).toFixed(2)} s\n`);
    }
  }
}

function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
}

/** Median, min and max of a series in ms. */
function stats(s: Series): { median: number; min: number; max: number; maxRssKb?: number } {
  const ms = s.samples.map((x) => x.ms);
  const rss = s.samples.map((x) => x.maxRssKb).filter((x): x is number => x !== undefined);
  return { median: median(ms), min: Math.min(...ms), max: Math.max(...ms), ...(rss.length ? { maxRssKb: Math.max(...rss) } : {}) };
}

/** Ratio of medians, with the spread of per-round ratios (rounds pair up because they are interleaved). */
function ratio(a: Series, b: Series): { median: number; min: number; max: number } {
  const per = a.samples.map((x, i) => x.ms / (b.samples[i]?.ms ?? NaN)).filter((x) => Number.isFinite(x));
  return { median: median(a.samples.map((x) => x.ms)) / median(b.samples.map((x) => x.ms)), min: Math.min(...per), max: Math.max(...per) };
}

function fmt(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** A kafkaform spec of topics `${prefix}0000`… (3 partitions, two overrides), optionally a seed file. */
function topicsSpec(project: string, bootstrap: string, names: string[], o: { retention?: Record<string, number>; seedFile?: string } = {}): string {
  const lines = ['version: 1', `project: ${project}`, 'cluster:', `  bootstrapServers: [${bootstrap}]`, 'topics:'];
  for (const n of names) {
    lines.push(`  ${n}:`, '    partitions: 3', '    replicationFactor: 1', '    config:', `      retention.ms: ${o.retention?.[n] ?? RETENTION_7D}`, '      cleanup.policy: delete');
  }
  if (o.seedFile) lines.push('seed:', `  ${names[0]}:`, '    files:', `      - ${o.seedFile}`);
  return `${lines.join('\n')}\n`;
}

/** topicctl's cluster file and one topic file per topic, in `dir`. */
async function topicctlFiles(dir: string, bootstrap: string, names: string[], retentionMs: Record<string, number> = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const cluster = join(dir, 'cluster.yaml');
  await writeFile(cluster, `meta:\n  name: bench\n  environment: bench\n  region: local\n  description: kafkaform bench\nspec:\n  bootstrapAddrs:\n    - ${bootstrap}\n`);
  const files: string[] = [];
  for (const n of names) {
    const f = join(dir, `${n}.yaml`);
    const minutes = Math.round((retentionMs[n] ?? RETENTION_7D) / 60_000);
    await writeFile(f, `meta:\n  name: ${n}\n  cluster: bench\n  environment: bench\n  region: local\nspec:\n  partitions: 3\n  replicationFactor: 1\n  retentionMinutes: ${minutes}\n  placement:\n    strategy: any\n  settings:\n    cleanup.policy: delete\n`);
    files.push(f);
  }
  return [cluster, ...files];
}

/** Deletes topics this run created and waits until the broker no longer lists them (outside any timing). */
async function dropTopics(admin: Admin, names: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const mine = names.filter((n) => existing.has(n));
  if (!mine.length) return;
  await admin.deleteTopics({ topics: mine, timeout: 120_000 });
  for (let i = 0; i < 600; i++) {
    const left = new Set(await admin.listTopics());
    if (!mine.some((n) => left.has(n))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Creates one topic with `partitions` partitions and waits for its leaders (outside any timing). */
async function createTopic(admin: Admin, topic: string, partitions: number): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: false });
  for (let i = 0; i < 300; i++) {
    const md = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
    if ((md?.topics[0]?.partitions.filter((p) => p.leader >= 0).length ?? 0) === partitions) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`topic ${topic} has no leaders`);
}

/** The topicctl binary: KFT_BENCH_TOPICCTL, or built once by bench/peers/install-topicctl.sh; null when it cannot be had. */
async function topicctl(): Promise<string | null> {
  if (env.KFT_BENCH_TOPICCTL) return env.KFT_BENCH_TOPICCTL;
  try {
    const { stdout } = await run('bash', [join(ROOT, 'bench/peers/install-topicctl.sh')], { timeout: 900_000 });
    return stdout.trim().split('\n').pop() ?? null;
  } catch (err) {
    process.stderr.write(`topicctl unavailable, its columns are skipped: ${(err as Error).message.split('\n')[0]}\n`);
    return null;
  }
}

const want = (name: string): boolean => !ONLY || ONLY.has(name);

/** Startup-only commands: --version and validate of the example spec, next to a bare `node` process. */
async function startupScenarios(): Promise<void> {
  if (want('version')) {
    const s = scenario('version', '`kafkaform --version`', { kafkaform: 'kafkaform --version', node: 'node -e 0 (process floor)' }, [{ of: 'kafkaform', to: 'node' }]);
    await interleave(s, ROUNDS * 2, { kafkaform: () => measure('node', [CLI, '--version']), node: () => measure('node', ['-e', '0']) });
  }
  if (want('validate')) {
    const s = scenario('validate', '`kafkaform validate` of the example spec', { kafkaform: 'kafkaform validate', node: 'node -e 0 (process floor)' }, [{ of: 'kafkaform', to: 'node' }]);
    await interleave(s, ROUNDS * 2, { kafkaform: () => measure('node', [CLI, 'validate', '-f', 'kafka.config.yaml']), node: () => measure('node', ['-e', '0']) });
  }
}

/** Topic scenarios on one broker: plan with no changes, one config change, create N. */
async function topicScenarios(admin: Admin, bootstrap: string, dir: string, tctl: string | null): Promise<void> {
  const base = benchTopicNames('w', TOPICS);
  const specFile = join(dir, 'topics.yaml');
  await writeFile(specFile, topicsSpec('kft-bench-topics', bootstrap, base));
  const tctlArgs = tctl ? await topicctlFiles(join(dir, 'topicctl-base'), bootstrap, base) : [];
  if (want('plan') || want('change')) {
    process.stderr.write(`creating ${TOPICS} base topics...\n`);
    await measure('node', [CLI, 'apply', '--auto-approve', '-f', specFile]);
  }
  if (want('plan')) {
    const s = scenario('plan', `plan, no changes, ${TOPICS} topics`, { kafkaform: 'kafkaform plan', floor: 'raw floor (metadata + one DescribeConfigs)', topicctl: 'topicctl apply --dry-run' }, [
      { of: 'kafkaform', to: 'floor' },
      { of: 'topicctl', to: 'kafkaform' },
    ]);
    await interleave(s, ROUNDS, {
      kafkaform: async () => {
        const r = await measure('node', [CLI, 'plan', '--detailed-exitcode', '-f', specFile]);
        return r;
      },
      floor: () => measure('node', [FLOOR, 'describe', bootstrap, 'w', String(TOPICS)]),
      topicctl: tctl ? () => measure(tctl, ['apply', '--dry-run', '--skip-confirm', '--cluster-config', tctlArgs[0]!, ...tctlArgs.slice(1)]) : null,
    });
  }
  if (want('change')) {
    const s = scenario(
      'change',
      `change one config on ${TOPICS} topics`,
      { kafkaform: 'kafkaform apply', floor: 'raw floor (one AlterConfigs)', observeFloor: 'raw floor (metadata + DescribeConfigs, then one AlterConfigs)', topicctl: 'topicctl apply' },
      [
        { of: 'kafkaform', to: 'floor' },
        { of: 'kafkaform', to: 'observeFloor' },
        { of: 'topicctl', to: 'kafkaform' },
      ],
    );
    // Each run sets a value no one set before, so every contender has exactly one change to make.
    let next = RETENTION_7D;
    const fresh = (): number => (next += 60_000);
    await interleave(s, ROUNDS, {
      kafkaform: async () => {
        await writeFile(specFile, topicsSpec('kft-bench-topics', bootstrap, base, { retention: { [base[0]!]: fresh() } }));
        return measure('node', [CLI, 'apply', '--auto-approve', '-f', specFile]);
      },
      floor: () => measure('node', [FLOOR, 'alter', bootstrap, 'w', String(TOPICS), String(fresh())]),
      // A correct change must first read what is there: the least such a process can do.
      observeFloor: () => measure('node', [FLOOR, 'observe-alter', bootstrap, 'w', String(TOPICS), String(fresh())]),
      topicctl: tctl
        ? async () => {
            const files = await topicctlFiles(join(dir, 'topicctl-base'), bootstrap, [base[0]!], { [base[0]!]: fresh() });
            return measure(tctl, ['apply', '--skip-confirm', '--cluster-config', files[0]!, ...tctlArgs.slice(1)]);
          }
        : null,
    });
  }
  if (want('create')) {
    const s = scenario('create', `create ${TOPICS} topics`, { kafkaform: 'kafkaform apply', floor: 'raw floor (one CreateTopics + wait for leaders)', topicctl0: 'topicctl apply (sleep disabled)' }, [
      { of: 'kafkaform', to: 'floor' },
      { of: 'topicctl0', to: 'kafkaform' },
    ]);
    const made: string[] = [];
    const once = async (prefix: string, go: (names: string[]) => Promise<Sample>): Promise<Sample> => {
      const names = benchTopicNames(prefix, TOPICS);
      made.push(...names);
      const sample = await go(names);
      await dropTopics(admin, names);
      return sample;
    };
    await interleave(s, ROUNDS, {
      kafkaform: (r) =>
        once(`ck${r}x`, async (names) => {
          const f = join(dir, `create-${r}.yaml`);
          await writeFile(f, topicsSpec(`kft-bench-create-${r}`, bootstrap, names));
          return measure('node', [CLI, 'apply', '--auto-approve', '-f', f]);
        }),
      floor: (r) => once(`cf${r}x`, () => measure('node', [FLOOR, 'create', bootstrap, `cf${r}x`, String(TOPICS)])),
      topicctl0: tctl
        ? (r) =>
            once(`ct${r}x`, async (names) => {
              const files = await topicctlFiles(join(dir, `topicctl-create-${r}`), bootstrap, names);
              return measure(tctl, ['apply', '--skip-confirm', '--sleep-loop-duration', '0s', '--cluster-config', files[0]!, ...files.slice(1)]);
            })
        : null,
    });
    if (tctl && want('create-default')) {
      // topicctl with its default settings sleeps 2 s after each new topic: measured on a few topics, per topic.
      const d = scenario('create-default', `topicctl with default settings, create ${TOPICCTL_DEFAULT_TOPICS} topics`, { topicctl: 'topicctl apply (defaults)' }, []);
      await interleave(d, Math.min(ROUNDS, 3), {
        topicctl: (r) =>
          (async () => {
            const names = benchTopicNames(`cd${r}x`, TOPICCTL_DEFAULT_TOPICS);
            const files = await topicctlFiles(join(dir, `topicctl-default-${r}`), bootstrap, names);
            const sample = await measure(tctl, ['apply', '--skip-confirm', '--cluster-config', files[0]!, ...files.slice(1)]);
            await dropTopics(admin, names);
            return sample;
          })(),
      });
    }
    await dropTopics(admin, made);
  }
}

/** Seeding: a whole `kafkaform apply` of one JSONL file entry vs `kcat -P -l` of the same file into the same layout, per size. */
async function seedScenario(admin: Admin, bootstrap: string, dir: string): Promise<void> {
  if (!want('seed')) return;
  // The broker's first transaction creates __transaction_state: paid once here, not by a measured round.
  const warm = join(dir, 'warm.yaml');
  await writeFile(join(dir, 'warm.jsonl'), payloadFile(10, 200));
  await writeFile(warm, topicsSpec('kft-bench-seed-warm', bootstrap, ['seedwarm'], { seedFile: 'warm.jsonl' }));
  await measure('node', [CLI, 'apply', '--auto-approve', '-f', warm]);
  await dropTopics(admin, ['seedwarm']);
  for (const count of SEED_MESSAGES) {
    const file = join(dir, `payload-${count}.jsonl`);
    await writeFile(file, payloadFile(count, 200));
    const s = scenario(`seed-${count}`, `seed ${count.toLocaleString('en')} × 200 B (3 partitions)`, { kafkaform: 'kafkaform apply', kcat: 'kcat -P -l' }, [{ of: 'kafkaform', to: 'kcat' }]);
    const made: string[] = [];
    await interleave(s, ROUNDS, {
      kafkaform: async (r) => {
        const topic = `sk${r}x${count}`;
        made.push(topic);
        await createTopic(admin, topic, 3);
        const f = join(dir, `seed-${count}-${r}.yaml`);
        await writeFile(f, topicsSpec(`kft-bench-seed-${count}-${r}`, bootstrap, [topic], { seedFile: `payload-${count}.jsonl` }));
        // The topic exists with the spec's layout; align its overrides so the apply only seeds.
        await admin.alterConfigs({ resources: [{ type: 2, name: topic, configEntries: [{ name: 'retention.ms', value: String(RETENTION_7D) }, { name: 'cleanup.policy', value: 'delete' }] }], validateOnly: false });
        return measure('node', [CLI, 'apply', '--auto-approve', '-f', f]);
      },
      kcat: async (r) => {
        const topic = `sc${r}x${count}`;
        made.push(topic);
        await createTopic(admin, topic, 3);
        return measure('kcat', ['-P', '-b', bootstrap, '-t', topic, '-l', file]);
      },
    });
    // Both sides wrote every message: the partitions' end offsets add up to the count (kafkaform's plus one
    // transaction marker per partition it wrote to), so neither figure is of a run that lost messages.
    for (const topic of made) {
      const end = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
      const markers = topic.startsWith('sk') ? 3 : 0;
      if (end < count || end > count + markers) throw new Error(`bench topic ${topic} holds ${end} records, expected ${count}${markers ? ` (+ up to ${markers} markers)` : ''}`);
    }
    await dropTopics(admin, made);
    await rm(file, { force: true });
  }
}

/**
 * Jars for the tutorial's kafka-topics and console producer when the image has no bin/*.sh: KFT_BENCH_KAFKA_TOOLS_DIR,
 * else kafka-tools and kafka-server-common 4.0.2 from ~/.m2 copied into .bench-cache (4.0.2's TopicCommand runs on
 * the 4.1.1 image's clients; 4.4.0's does not). Null when neither is there.
 */
async function kafkaToolsDir(): Promise<string | null> {
  if (env.KFT_BENCH_KAFKA_TOOLS_DIR) return env.KFT_BENCH_KAFKA_TOOLS_DIR;
  const out = join(ROOT, '.bench-cache/kafka-tools');
  const m2 = join(homedir(), '.m2/repository/org/apache/kafka');
  const jars = ['kafka-tools', 'kafka-server-common'].map((a) => join(m2, a, '4.0.2', `${a}-4.0.2.jar`));
  if (!jars.every((j) => existsSync(j))) return existsSync(out) ? out : null;
  await mkdir(out, { recursive: true });
  for (const j of jars) await writeFile(join(out, j.split('/').pop()!), await readFile(j));
  return out;
}

/** Cold start: nothing → 1 node, 10 topics and a seed entry, kafkaform vs the tutorial's docker run + CLI loop. */
async function coldScenario(dir: string): Promise<void> {
  if (!want('cold')) return;
  const docker = new Docker();
  const s = scenario('cold', 'nothing → 1 node, 10 topics, 1,000 seed messages', { kafkaform: 'kafkaform apply', tutorial: 'docker run + wait + 10× kafka-topics --create + console producer' }, [
    { of: 'kafkaform', to: 'tutorial' },
  ]);
  const hasScripts = await run('docker', ['run', '--rm', '--network', 'none', '--entrypoint', 'sh', BENCH_IMAGE, '-c', 'test -x /opt/kafka/bin/kafka-topics.sh'])
    .then(() => true)
    .catch(() => false);
  const jar = hasScripts ? null : await kafkaToolsDir();
  const seedFile = join(dir, 'cold.jsonl');
  await writeFile(seedFile, payloadFile(1000, 200));
  const topics = Array.from({ length: 10 }, (_, i) => `cold-${i}`);
  const kfPort = PORT + 200;
  const tutPort = PORT + 300;
  let tutorial: ((r: number) => Promise<Sample>) | null = null;
  if (hasScripts || (jar && existsSync(jar))) {
    // The tutorial's commands; without bin/*.sh in the image, the same classes run through java -cp with the tools jar mounted.
    const tool = (cls: string, script: string): string[] =>
      hasScripts ? [`/opt/kafka/bin/${script}`] : ['java', '-Xmx256m', '-cp', '/opt/kafka/libs/*:/opt/kafka-extra/*', cls];
    tutorial = async (r) => {
      const name = `${NAME}-tutorial-${r}`;
      const t0 = performance.now();
      try {
        const runArgs = ['run', '-d', '--name', name, '--network', 'host', '--label', `dev.kafkaform.bench=${name}`];
        for (const e of benchBrokerEnv(tutPort, tutPort + 1)) runArgs.push('-e', e);
        if (jar) runArgs.push('-v', `${jar}:/opt/kafka-extra:ro`);
        await run('docker', [...runArgs, BENCH_IMAGE]);
        const topicsCmd = tool('org.apache.kafka.tools.TopicCommand', 'kafka-topics.sh');
        // The tutorial's wait: list topics until the broker answers.
        for (const deadline = Date.now() + 180_000; ; ) {
          if (Date.now() > deadline) throw new Error(`tutorial broker ${name} did not answer kafka-topics --list within 180 s`);
          const ok = await run('docker', ['exec', name, ...topicsCmd, '--bootstrap-server', `127.0.0.1:${tutPort}`, '--list'], { timeout: 60_000 })
            .then(() => true)
            .catch(() => false);
          if (ok) break;
          await new Promise((res) => setTimeout(res, 1000));
        }
        for (const t of topics) {
          await run('docker', ['exec', name, ...topicsCmd, '--bootstrap-server', `127.0.0.1:${tutPort}`, '--create', '--topic', t, '--partitions', '1', '--replication-factor', '1']);
        }
        const producer = tool('org.apache.kafka.tools.ConsoleProducer', 'kafka-console-producer.sh');
        await measure('docker', ['exec', '-i', name, ...producer, '--bootstrap-server', `127.0.0.1:${tutPort}`, '--topic', topics[0]!], { input: seedFile });
        return { ms: performance.now() - t0 };
      } finally {
        await docker.getContainer(name).remove({ force: true, v: true }).catch(() => undefined);
      }
    };
  } else {
    s.skipped.push('tutorial: the image has no kafka-topics.sh and no kafka-tools jars were found (set KFT_BENCH_KAFKA_TOOLS_DIR)');
  }
  if (jar) s.series.tutorial!.note = 'the image has no bin/*.sh: TopicCommand/ConsoleProducer 4.0.2 via java -cp, jars mounted';
  await interleave(s, ROUNDS, {
    kafkaform: async (r) => {
      const project = `${NAME}-cold-${r}`;
      const f = join(dir, `cold-${r}.yaml`);
      const lines = ['version: 1', `project: ${project}`, 'containers:', '  kafka:', '    nodes: 1', `    port: ${kfPort}`, `    controllerPort: ${kfPort + 1}`, '    heap: 512m', 'topics:'];
      for (const t of topics) lines.push(`  ${t}:`, '    partitions: 1', '    replicationFactor: 1');
      lines.push('seed:', `  ${topics[0]}:`, '    files:', '      - cold.jsonl');
      await writeFile(f, `${lines.join('\n')}\n`);
      try {
        return await measure('node', [CLI, 'apply', '--auto-approve', '-f', f]);
      } finally {
        await measure('node', [CLI, 'destroy', '--auto-approve', '--volumes', '-f', f], { ok: () => true });
      }
    },
    tutorial,
  });
}

/** Prints the table and writes the JSON result. */
async function report(meta: Record<string, unknown>): Promise<void> {
  const out = { bench: 'whole', ...meta, scenarios: [] as unknown[] };
  const lines: string[] = [];
  for (const s of scenarios) {
    // A contender that never completed a round (the run failed first) is left out rather than shown as NaN.
    for (const [k, v] of Object.entries(s.series)) if (!v.samples.length) delete s.series[k];
    if (!Object.keys(s.series).length) continue;
    const series = Object.fromEntries(Object.entries(s.series).map(([k, v]) => [k, { label: v.label, note: v.note, ...stats(v), samplesMs: v.samples.map((x) => Math.round(x.ms)) }]));
    const ratios = s.ratios.filter((q) => s.series[q.of] && s.series[q.to]).map((q) => ({ ...q, ...ratio(s.series[q.of]!, s.series[q.to]!) }));
    out.scenarios.push({ name: s.name, title: s.title, series, ratios, skipped: s.skipped });
    lines.push(`\n${s.title}`);
    for (const [, v] of Object.entries(series)) {
      lines.push(`  ${v.label.padEnd(64)} ${fmt(v.median).padStart(8)}  (${fmt(v.min)}–${fmt(v.max)})${v.maxRssKb ? `  max RSS ${Math.round(v.maxRssKb / 1024)} MB` : ''}`);
    }
    for (const q of ratios) lines.push(`  ratio ${q.of}/${q.to}: ${q.median.toFixed(2)}× (per round ${q.min.toFixed(2)}–${q.max.toFixed(2)})`);
    for (const k of s.skipped) lines.push(`  skipped: ${k}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  await mkdir(dirname(OUT), { recursive: true });
  await writeFile(OUT, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`\nresult written to ${OUT}\n`);
}

async function main(): Promise<void> {
  const started = new Date();
  const load = loadavg();
  const dir = await mkdtemp(join(tmpdir(), `${NAME}-`));
  let failure: string | undefined;
  try {
    await scenariosAll(dir);
  } catch (err) {
    // What was measured before the failure is still reported, marked as failed.
    failure = (err as Error).stack ?? String(err);
    process.stderr.write(`${failure}\n`);
  }
  await rm(dir, { recursive: true, force: true });
  await report({
    date: started.toISOString(),
    cores: availableParallelism(),
    loadAverageAtStart: load.map((x) => Number(x.toFixed(2))),
    loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))),
    rounds: ROUNDS,
    topics: TOPICS,
    seedMessages: SEED_MESSAGES,
    node: process.version,
    image: BENCH_IMAGE,
    topicctl: topicctlUsed ? 'v1.20.0' : null,
    ...(failure ? { failure } : {}),
  });
  if (failure) process.exitCode = 1;
}

let topicctlUsed = false;

/** Every scenario asked for, in order: startup, topics and seeds on one broker, cold start. */
async function scenariosAll(dir: string): Promise<void> {
  await startupScenarios();
  const needsBroker = ['plan', 'change', 'create', 'seed'].some(want);
  const tctl = needsBroker && ['plan', 'change', 'create'].some(want) ? await topicctl() : null;
  topicctlUsed = tctl !== null;
  if (needsBroker) {
    process.stderr.write(`starting benchmark broker ${NAME} on 127.0.0.1:${PORT}...\n`);
    const broker = await startBenchBroker({ name: NAME, port: PORT, controllerPort: PORT + 100 });
    const bootstrap = broker.bootstrapServers.join(',');
    const admin = new Kafka({ brokers: broker.bootstrapServers, clientId: 'kafkaform-bench', logLevel: logLevel.NOTHING }).admin();
    try {
      await admin.connect();
      await topicScenarios(admin, bootstrap, dir, tctl);
      await seedScenario(admin, bootstrap, dir);
    } finally {
      await admin.disconnect().catch(() => undefined);
      await broker.stop();
    }
  }
  await coldScenario(dir);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
