import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireDocker } from '../support/cluster.js';
import { oneNodeSpec, packedProject, projectContainers, removeProject, ROOT, run } from '../support/project.js';
import { DEFAULT_KAFKA_IMAGE } from '../../src/kafka/versions.js';

// Runs docs/ci/github-actions.yml on this machine: its `run:` steps in order, with GitHub's rules for `if:`
// (failure(), always()) and $GITHUB_ENV. Only the `uses:` actions are replaced: checkout by a scratch project
// that installs kafkaform from `npm pack`, setup-node by this machine's Node, cache by nothing (a first run).
// Project kft-i13-ci on port 54292.

const PROJECT = 'kft-i13-ci';
const PORT = 54292;
const WORKFLOW = join(ROOT, 'docs/ci/github-actions.yml');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}

/** What one step did. */
interface StepResult {
  step: string;
  outcome: 'success' | 'failure' | 'skipped' | 'substituted';
  output: string;
}

const USER_TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';

test('the topics are there, at the exported address', async () => {
  assert.equal(process.env.KAFKA_BOOTSTRAP_SERVERS, '127.0.0.1:${PORT}');
  const admin = new Kafka({ brokers: process.env.KAFKA_BOOTSTRAP_SERVERS.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const topics = await admin.listTopics();
  await admin.disconnect();
  assert.ok(topics.includes('orders'));
});
`;

let project: string;

/** The scratch project "checked out": package.json with kafkaform from the tarball, its lock file, spec and tests. */
async function checkout(): Promise<string> {
  const dir = await packedProject('kft-i13-ci-');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, scripts: { test: 'node --test' } }, null, 2));
  writeFileSync(join(dir, 'kafka.config.yaml'), oneNodeSpec(PROJECT, PORT));
  writeFileSync(join(dir, 'kafka.test.mjs'), USER_TEST);
  // A fresh checkout has no node_modules: the workflow's `npm ci` installs from the lock file.
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  return dir;
}

/** Runs the workflow's job in `dir` the way a GitHub runner does; returns what each step did. */
async function runWorkflow(dir: string): Promise<StepResult[]> {
  const doc = parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: Record<string, { env?: Record<string, string>; steps: Step[] }> };
  const job = Object.values(doc.jobs)[0]!;
  const githubEnv = join(mkdtempSync(join(tmpdir(), 'kft-i13-ghenv-')), 'env');
  const env: Record<string, string> = { ...job.env, CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_ENV: githubEnv };
  const results: StepResult[] = [];
  let failed = false;
  for (const step of job.steps) {
    const name = step.name ?? step.uses ?? step.run ?? '?';
    const condition = step.if ?? 'success()';
    const runs = condition === 'always()' || (condition === 'failure()' ? failed : condition === 'success()' && !failed);
    if (!runs) {
      results.push({ step: name, outcome: 'skipped', output: '' });
      continue;
    }
    if (step.uses) {
      results.push({ step: name, outcome: 'substituted', output: await substitute(step) });
      continue;
    }
    // Expressions are the runner's business; a run script here must not depend on them.
    expect(step.run, name).not.toContain('${{');
    writeFileSync(githubEnv, '');
    const script = join(dir, '.step.sh');
    writeFileSync(script, step.run!);
    const r = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: dir, env, timeoutMs: 300_000 });
    for (const line of readFileSync(githubEnv, 'utf8').split('\n').filter(Boolean)) {
      const eq = line.indexOf('=');
      env[line.slice(0, eq)] = line.slice(eq + 1);
    }
    failed ||= r.code !== 0;
    results.push({ step: name, outcome: r.code === 0 ? 'success' : 'failure', output: r.stdout + r.stderr });
  }
  return results;
}

/** What stands in for an action here. */
async function substitute(step: Step): Promise<string> {
  const action = step.uses!.split('@')[0];
  if (action === 'actions/checkout') return `checked out ${project}`;
  if (action === 'actions/setup-node') {
    const major = process.versions.node.split('.')[0];
    expect(String(step.with?.['node-version'])).toBe(major);
    return `node ${process.versions.node}`;
  }
  if (action === 'actions/cache') return 'nothing cached yet (a first run)';
  throw new Error(`no stand-in for ${step.uses}`);
}

/** Outcome by step name. */
function outcomes(results: StepResult[]): Record<string, string> {
  return Object.fromEntries(results.map((r) => [r.step, r.outcome]));
}

beforeAll(async () => {
  await requireDocker();
  await removeProject(PROJECT);
  project = await checkout();
}, 300_000);

afterAll(async () => {
  await removeProject(PROJECT);
});

describe('docs/ci/github-actions.yml', () => {
  it('runs green, step by step: apply, wait, drift check, export, test, destroy; logs only on failure', async () => {
    const results = await runWorkflow(project);
    const detail = results.map((r) => `${r.outcome}: ${r.step}\n${r.outcome === 'failure' ? r.output : ''}`).join('\n');
    expect(outcomes(results), detail).toEqual({
      'actions/checkout@v4': 'substituted',
      'actions/setup-node@v4': 'substituted',
      Install: 'success',
      'Cache the container images': 'substituted',
      'Load or pull the container images': 'success',
      'Check the spec (offline)': 'success',
      'Start Kafka with the topics and seed data': 'success',
      'Wait until the cluster is ready': 'success',
      'Drift check': 'success',
      'Export the address': 'success',
      Test: 'success',
      'Kafka logs': 'skipped',
      'Remove Kafka': 'success',
    });
    const by = (name: string) => results.find((r) => r.step === name)!.output;
    expect(by('Load or pull the container images')).toContain(`${DEFAULT_KAFKA_IMAGE} is present`);
    expect(by('Test')).toMatch(/# pass 1/);
    expect(await projectContainers(PROJECT)).toEqual([]);
  });

  it('a failing test run prints the Kafka logs and still removes Kafka', async () => {
    writeFileSync(join(project, 'failing.test.mjs'), "import { test } from 'node:test';\ntest('fails', () => { throw new Error('boom'); });\n");
    const results = await runWorkflow(project);
    const o = outcomes(results);
    expect([o.Test, o['Kafka logs'], o['Remove Kafka']]).toEqual(['failure', 'success', 'success']);
    expect(results.find((r) => r.step === 'Kafka logs')!.output).toMatch(/Kafka Server started|KafkaRaftServer|kafka/i);
    expect(await projectContainers(PROJECT)).toEqual([]);
  });
});

describe('docs/ci/gitlab-ci.yml', () => {
  it('uses only kafkaform commands that the GitHub workflow runs', () => {
    const gitlab = parse(readFileSync(join(ROOT, 'docs/ci/gitlab-ci.yml'), 'utf8')) as { test: Record<string, string[]> };
    const lines = [...gitlab.test.before_script!, ...gitlab.test.script!, ...gitlab.test.after_script!];
    const commands = (text: string) => [...text.matchAll(/npx kafkaform ([a-z]+(?: --?[a-z-]+(?: \d+\w*)?)*)/g)].map((m) => m[1]!);
    const github = commands(readFileSync(WORKFLOW, 'utf8'));
    const used = lines.flatMap(commands);
    expect(used.length).toBeGreaterThanOrEqual(6);
    for (const c of used) expect(github, c).toContain(c);
  });
});
