import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate } from '../../src/security/x509.js';
import { removeProject, ROOT, run } from '../support/project.js';

// Issue 12, items 1-2 and the secrets scan: a secured local cluster per auth mode (SCRAM-SHA-512 over SASL_SSL,
// PLAIN over SASL_PLAINTEXT, mutual TLS), started one after another. Ports 57000-57999, names kft-h12a-.

const CLI = join(ROOT, 'dist/src/cli/main.js');
/** The known password: it must appear in no output, file, label or record checked by the secrets scan. */
const PW = `Kn0wn-${randomBytes(6).toString('hex')}-Secr3t`;
const ENV = { KFT_H12A_PW: PW };

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI in `dir` with no TTY and the password in the environment; never throws. */
function kf(dir: string, args: string[], env: Record<string, string> = ENV): Promise<Ran> {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 240_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Runs a command with `input` on stdin; never throws. */
function withInput(cmd: string, args: string[], input: string): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}

interface Mode {
  name: string;
  port: number;
  security: string;
  /** kcat (Debian's librdkafka 2.0.2) cannot do SCRAM against Kafka 4.x: its client-final nonce is refused (fixed in 2.6.1). */
  kcat: boolean;
}

const MODES: Mode[] = [
  { name: 'scram', port: 57010, security: 'listener: SASL_SSL\n      mechanism: SCRAM-SHA-512\n      admin: { username: admin, password: "${KFT_H12A_PW}" }\n      authorizer: true', kcat: false },
  { name: 'plain', port: 57020, security: 'listener: SASL_PLAINTEXT\n      mechanism: PLAIN\n      admin: { username: admin, password: "${KFT_H12A_PW}" }', kcat: true },
  { name: 'mtls', port: 57030, security: 'listener: SSL\n      admin: { username: admin }\n      authorizer: true', kcat: true },
];

function specText(m: Mode): string {
  return `version: 1
project: kft-h12a-${m.name}
containers:
  kafka:
    network: host
    port: ${m.port}
    controllerPort: ${m.port + 100}
    heap: 384m
    persistence: none
    security:
      ${m.security}
topics:
  orders:
    partitions: 2
    replicationFactor: 1
seed:
  orders:
    messages:
      - { key: alice, value: { item: book } }
`;
}

/** A spec in its own directory pointing at the cluster with explicit (wrong) connection settings. */
function badSpec(m: Mode, cluster: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kft-h12a-bad-'));
  writeFileSync(join(dir, 'kafka.config.yaml'), `version: 1\nproject: kft-h12a-bad\ncluster:\n  bootstrapServers: [127.0.0.1:${m.port}]\n  connectionTimeout: 5s\n${cluster}\ntopics:\n  orders: {}\n`);
  return dir;
}

/** A CA the cluster never saw, for the untrusted-CA case. */
function strangerCa(): string {
  const ca = issueCertificate({ commonName: 'stranger CA', ca: true, usages: [], days: 2, notBefore: new Date(Date.now() - 60_000) }, null);
  const file = join(mkdtempSync(join(tmpdir(), 'kft-h12a-ca-')), 'ca.pem');
  writeFileSync(file, ca.certPem);
  return file;
}

/** Asserts a refusal: exit 1, the stable code, a one-line reason, a fix line, no stack; and the JSON envelope. */
async function expectRefusal(dir: string, code: string, reason: RegExp, scan: string[]): Promise<void> {
  const started = Date.now();
  const r = await kf(dir, ['plan']);
  const elapsed = Date.now() - started;
  expect(r.code, r.stderr).toBe(1);
  // Progress lines ("… observing") come first; the error is the rest.
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('… '));
  expect(lines[0]).toMatch(new RegExp(`^Error \\[${code}\\] `));
  expect(lines[0]!.replace(/^Error \[KF\d+\] /, '')).toMatch(reason);
  expect(lines[1]).toMatch(/^ {2}fix: /);
  expect(lines).toHaveLength(2);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  // Bounded by the 5 s connection timeout (plus process start-up), not by kafkajs' retries or the 90 s readiness wait.
  expect(elapsed).toBeLessThan(20_000);
  const json = await kf(dir, ['plan', '--json']);
  expect(JSON.parse(json.stdout).error.code).toBe(code);
  scan.push(r.stdout, r.stderr, json.stdout, json.stderr);
}

/** Every text the secrets scan checks, with where it came from. */
function expectNoSecret(texts: Record<string, string>): void {
  const leaks = Object.entries(texts)
    .filter(([, t]) => t.includes(PW))
    .map(([k]) => k);
  expect(leaks).toEqual([]);
}

for (const m of MODES) {
  describe(`secured local cluster: ${m.name}`, () => {
    const project = `kft-h12a-${m.name}`;
    const container = `${project}-kafka-1`;
    const bootstrap = `127.0.0.1:${m.port}`;
    let dir = '';
    /** Outputs gathered for the secrets scan. */
    const scanned: Record<string, string> = {};
    const keep = (what: string, r: Ran): Ran => {
      scanned[`${what} (stdout)`] = r.stdout;
      scanned[`${what} (stderr)`] = r.stderr;
      return r;
    };

    beforeAll(async () => {
      await removeProject(project);
      dir = mkdtempSync(join(tmpdir(), `kft-h12a-${m.name}-`));
      writeFileSync(join(dir, 'kafka.config.yaml'), specText(m));
    });

    afterAll(async () => {
      if (dir) await kf(dir, ['destroy', '--auto-approve', '--volumes']);
      await removeProject(project);
    });

    it('plans, applies topics and a seed, re-applies without recreating the broker, and peeks', async () => {
      const plan = keep('plan', await kf(dir, ['plan']));
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toContain(`+ container ${container}`);
      const applied = keep('apply', await kf(dir, ['apply', '--auto-approve']));
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain('Apply complete! 3 added');
      const id = (await new Docker().getContainer(container).inspect()).Id;
      const again = keep('apply again --debug', await kf(dir, ['--debug', 'apply', '--auto-approve']));
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('No changes');
      expect((await new Docker().getContainer(container).inspect()).Id).toBe(id);
      const peeked = keep('peek', await kf(dir, ['peek', 'orders']));
      expect(peeked.code, peeked.stderr).toBe(0);
      expect(peeked.stdout).toMatch(/orders\[\d\]@0 .* key=alice\n {2}\{\n {4}"item": "book"/);
    });

    it('independent clients connect with the configs kafkaform writes (kcat, confluent-kafka, the Java console consumer)', async () => {
      const printed = keep('output client-config librdkafka', await kf(dir, ['output', 'client-config', '--format', 'librdkafka']));
      expect(printed.code, printed.stderr).toBe(0);
      if (m.name !== 'mtls') expect(printed.stdout).toContain('sasl.password=<secret: write the config with -o FILE>');
      const conf = join(dir, 'client.conf');
      const wrote = keep('output client-config -o', await kf(dir, ['output', 'client-config', '--format', 'librdkafka', '-o', conf]));
      expect(wrote.code, wrote.stderr).toBe(0);
      expect(statSync(conf).mode & 0o777).toBe(0o600);
      if (m.kcat) {
        const k = await run('kcat', ['-F', conf, '-C', '-t', 'orders', '-o', 'beginning', '-e', '-q', '-f', '%k %s\n'], { timeoutMs: 60_000 });
        expect(k.code, k.stderr).toBe(0);
        expect(k.stdout).toBe('alice {"item":"book"}\n');
      }
      const py = await run('python3', [join(ROOT, 'test/python/consume.py'), '--config', conf, '--bootstrap', bootstrap, '--topic', 'orders', '--group', `kft-h12a-${m.name}-py`, '--expect', '1', '--idle', '1'], { timeoutMs: 90_000 });
      expect(py.code, py.stderr).toBe(0);
      const got = JSON.parse(py.stdout) as { messages: { key: string; value: string }[] };
      expect(got.messages.map((x) => [Buffer.from(x.key, 'base64').toString(), Buffer.from(x.value, 'base64').toString()])).toEqual([['alice', '{"item":"book"}']]);

      const props = join(dir, 'client.properties');
      const wroteProps = keep('output client-config properties -o', await kf(dir, ['output', 'client-config', '--format', 'properties', '-o', props]));
      expect(wroteProps.code, wroteProps.stderr).toBe(0);
      keep('output client-config properties', await kf(dir, ['output', 'client-config', '--format', 'properties']));
      // The properties inline the PEMs, so the file works inside the broker container, where the Java tools are.
      const copied = await withInput('docker', ['exec', '-i', container, 'sh', '-c', 'cat > /tmp/kft-client.properties'], readFileSync(props, 'utf8'));
      expect(copied.code, copied.stderr).toBe(0);
      const java = await run('docker', [
        'exec', container, '/opt/kafka/bin/kafka-console-consumer.sh', '--bootstrap-server', bootstrap, '--command-config', '/tmp/kft-client.properties',
        '--topic', 'orders', '--from-beginning', '--max-messages', '1', '--timeout-ms', '60000', '--formatter-property', 'print.key=true',
      ], { timeoutMs: 120_000 });
      expect(java.code, java.stderr).toBe(0);
      expect(java.stdout).toBe('alice\t{"item":"book"}\n');
      await run('docker', ['exec', container, 'rm', '-f', '/tmp/kft-client.properties']);
    });

    it('refuses bad connections with a stable code, one line and a fix, within the connection timeout', async () => {
      const scan: string[] = [];
      const ca = join(dir, '.kafkaform', project, 'tls', 'ca.pem');
      const clientCert = join(dir, '.kafkaform', project, 'tls', 'client.pem');
      const clientKey = join(dir, '.kafkaform', project, 'tls', 'client.key');
      if (m.name === 'scram') {
        await expectRefusal(badSpec(m, `  tls: { ca: ${ca} }\n  sasl: { mechanism: scram-sha-512, username: admin, password: not-the-password }`), 'KF204', /^SASL SCRAM-SHA-512 authentication as admin failed at .*: wrong username or password$/, scan);
        await expectRefusal(badSpec(m, `  tls: { ca: ${ca} }\n  sasl: { mechanism: scram-sha-256, username: admin, password: "\${KFT_H12A_PW}" }`), 'KF204', /^the broker at .* does not enable SASL mechanism SCRAM-SHA-256$/, scan);
        await expectRefusal(badSpec(m, `  tls: { ca: ${strangerCa()} }\n  sasl: { mechanism: scram-sha-512, username: admin, password: "\${KFT_H12A_PW}" }`), 'KF205', /is not signed by a CA this client trusts$/, scan);
        await expectRefusal(badSpec(m, `  sasl: { mechanism: scram-sha-512, username: admin, password: "\${KFT_H12A_PW}" }`), 'KF205', /closed the connection without answering: the listener expects TLS$/, scan);
      } else if (m.name === 'plain') {
        await expectRefusal(badSpec(m, `  sasl: { mechanism: plain, username: admin, password: not-the-password }`), 'KF204', /^SASL PLAIN authentication as admin failed at .*: wrong username or password$/, scan);
        await expectRefusal(badSpec(m, `  sasl: { mechanism: scram-sha-512, username: admin, password: "\${KFT_H12A_PW}" }`), 'KF204', /does not enable SASL mechanism SCRAM-SHA-512$/, scan);
        await expectRefusal(badSpec(m, `  tls: { ca: ${ca} }\n  sasl: { mechanism: plain, username: admin, password: "\${KFT_H12A_PW}" }`), 'KF205', /failed: the port does not speak TLS$/, scan);
      } else {
        await expectRefusal(badSpec(m, `  tls: { ca: ${ca} }`), 'KF205', /requires a client certificate \(mutual TLS\) and none was sent$/, scan);
        await expectRefusal(badSpec(m, `  tls: { ca: ${strangerCa()}, cert: ${clientCert}, key: ${clientKey} }`), 'KF205', /is not signed by a CA this client trusts$/, scan);
        await expectRefusal(badSpec(m, ''), 'KF205', /closed the connection without answering: the listener expects TLS or SASL$/, scan);
      }
      scan.forEach((t, i) => (scanned[`refusal ${i}`] = t));
    });

    it('secrets scan: the known password is in no output, saved plan, error envelope, container config, log or state record', async () => {
      const docker = new Docker();
      for (const args of [
        ['validate'], ['plan'], ['plan', '--json'], ['--debug', 'plan'], ['plan', '--format', 'markdown'], ['status'], ['status', '--json'], ['output'], ['output', '--json'],
        ['output', '--format', 'env'], ['output', 'ca'], ['--debug', 'peek', 'orders'], ['peek', 'orders', '--json'], ['logs'], ['wait'], ['export'],
      ]) {
        const r = keep(args.join(' '), await kf(dir, args));
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      }
      const saved = join(dir, 'saved.plan');
      keep('plan -o', await kf(dir, ['plan', '-o', saved]));
      scanned['saved plan file'] = readFileSync(saved, 'utf8');
      keep('apply saved plan', await kf(dir, ['apply', saved, '--auto-approve']));
      // Error envelope of a failure made with the right password (a CA the cluster never used).
      if (m.name !== 'mtls') {
        const bad = badSpec(m, `${m.name === 'scram' ? `  tls: { ca: ${strangerCa()} }\n` : ''}  sasl: { mechanism: scram-sha-256, username: admin, password: "\${KFT_H12A_PW}" }`);
        keep('error envelope', await kf(bad, ['plan', '--json']));
        keep('error with --debug', await kf(bad, ['--debug', 'plan']));
      }
      const info = await docker.getContainer(container).inspect();
      scanned['docker inspect'] = JSON.stringify(info);
      expect(info.Config.Env.some((e) => e.startsWith('KAFKA_SASL_ENABLED_MECHANISMS=') || m.name === 'mtls')).toBe(true);
      scanned['container logs'] = (await run('docker', ['logs', container])).stdout;
      // The _kafkaform state topic, read by an independent client.
      const conf = join(dir, 'client.conf');
      const state = await run('python3', [join(ROOT, 'test/python/consume.py'), '--config', conf, '--bootstrap', bootstrap, '--topic', '_kafkaform', '--group', `kft-h12a-${m.name}-state`, '--expect', '1', '--idle', '1'], { timeoutMs: 90_000 });
      expect(state.code, state.stderr).toBe(0);
      const records = (JSON.parse(state.stdout) as { messages: { key: string | null; value: string | null }[] }).messages;
      expect(records.length).toBeGreaterThan(0);
      scanned['_kafkaform records'] = records.map((r) => `${Buffer.from(r.key ?? '', 'base64').toString()} ${Buffer.from(r.value ?? '', 'base64').toString()}`).join('\n');
      expect(Object.keys(scanned).length).toBeGreaterThan(40);
      expectNoSecret(scanned);
      // The scan can fail: the password is where it must be, in the 0600 files written on request.
      if (m.name !== 'mtls') expect(readFileSync(conf, 'utf8')).toContain(PW);
    });

    // One mode suffices for the password-change path: SCRAM over SASL_SSL, the production-like one.
    if (m.name === 'scram') {
      it('a new admin password recreates the broker with it; destroy works even when the broker refuses the password', async () => {
        const before = (await new Docker().getContainer(container).inspect()).Id;
        const next = { KFT_H12A_PW: `${PW}-next` };
        const applied = await kf(dir, ['apply', '--auto-approve'], next);
        expect(applied.code, applied.stderr).toBe(0);
        expect((await new Docker().getContainer(container).inspect()).Id).not.toBe(before);
        expect((await kf(dir, ['plan'], next)).stdout).toContain('No changes');
        const peeked = await kf(dir, ['peek', 'orders'], next);
        expect(peeked.code, peeked.stderr).toBe(0);
        expect(peeked.stdout).toContain('key=alice');
        // The old password is refused now (KF204), and destroy still removes the containers.
        expect((await kf(dir, ['peek', 'orders'])).stderr).toContain('[KF204]');
        const destroyed = await kf(dir, ['destroy', '--auto-approve', '--volumes']);
        expect(destroyed.code, destroyed.stderr).toBe(0);
        await expect(new Docker().getContainer(container).inspect()).rejects.toThrow();
      });
    }
  });
}
