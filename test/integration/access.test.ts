import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { ROOT, run, type Ran } from '../support/project.js';

// ACLs and SCRAM users against a real broker with the StandardAuthorizer on. kafkaform connects as the super
// user `admin` (PLAIN, defined in the broker's JAAS config); the users it creates log in with SCRAM-SHA-512 on
// the same SASL listener. Whether a user may produce is checked with an independent client (Python
// confluent-kafka; Debian's kcat fails SCRAM logins against Kafka 4.4 that the Java client and confluent-kafka pass).
// A PLAINTEXT listener (ANONYMOUS is a super user there) serves only the rig's readiness check.

const CLI = join(import.meta.dirname, '../../dist/src/cli/main.js');
const PLAIN_PORT = 58092;
const SASL_PORT = 58093;
const CONTROLLER_PORT = 58094;
const SASL = `127.0.0.1:${SASL_PORT}`;
const ADMIN_PASSWORD = 'admin-Secret-7f3a';
const ALICE_PASSWORD = 'alice-Secret-91c2';
const ALICE_NEW_PASSWORD = 'alice-Rotated-44d8';
const PROJECT = 'kft-h12b-acl';

let cluster: TestCluster;
let dir: string;

const specText = (opts: { acl: boolean; users?: string }) => `version: 1
project: ${PROJECT}
cluster:
  bootstrapServers: [${SASL}]
  sasl: { mechanism: plain, username: admin, password: "\${ADMIN_PASSWORD}" }
topics:
  orders: { partitions: 1, replicationFactor: 1 }
users:
${opts.users ?? '  alice: { password: "${ALICE_PASSWORD}" }'}
${
  opts.acl
    ? `acls:
  - principal: User:alice
    resource: topic
    name: orders
    operations: [write, describe]
`
    : ''
}`;

/** Runs the CLI on the scratch spec with the test's secrets in the environment. */
function kf(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return run(process.execPath, [CLI, '-f', join(dir, 'kafka.config.yaml'), ...args], {
    env: { ADMIN_PASSWORD, ALICE_PASSWORD, ...env },
    timeoutMs: 120_000,
  });
}

/** Produces one message to `orders` as alice with Python confluent-kafka (SCRAM-SHA-512): "exit=0" when delivered. */
function produceAsAlice(password: string): Promise<Ran> {
  return run('python3', [join(ROOT, 'test/python/produce_as.py'), '--bootstrap', SASL, '--topic', 'orders', '--user', 'alice'], { env: { PW: password }, timeoutMs: 60_000 });
}

/** Every record of the state topic, read as admin with kcat: key and value per line. */
function stateTopic(): Promise<Ran> {
  return run('kcat', ['-C', '-b', SASL, '-t', '_kafkaform', '-e', '-q', '-f', '%k %s\n', '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=admin', '-X', `sasl.password=${ADMIN_PASSWORD}`]);
}

function writeSpec(text: string): void {
  writeFileSync(join(dir, 'kafka.config.yaml'), text);
}

beforeAll(async () => {
  cluster = await startTestCluster({
    name: 'kft-h12b-acl',
    nodes: 1,
    port: PLAIN_PORT,
    controllerPort: CONTROLLER_PORT,
    properties: {
      listeners: `PLAINTEXT://127.0.0.1:${PLAIN_PORT},SASL_PLAINTEXT://127.0.0.1:${SASL_PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${PLAIN_PORT},SASL_PLAINTEXT://127.0.0.1:${SASL_PORT}`,
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512,SCRAM-SHA-256',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="${ADMIN_PASSWORD}";`,
      'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin;User:ANONYMOUS',
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'kft-h12b-acl-'));
}, 180_000);

afterAll(async () => {
  if (!process.env.KFT_H12B_KEEP) await cluster?.stop();
});

describe('ACLs and SCRAM users on a broker with the authorizer on', () => {
  it('creates user alice and an ACL that lets her produce; plan shows them, never a password', async () => {
    writeSpec(specText({ acl: true }));
    // Before: alice does not exist, so she cannot even log in.
    expect((await produceAsAlice(ALICE_PASSWORD)).stdout).not.toContain('exit=0');

    const planned = await kf(['plan', '--json']);
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout) as { actions: { kind: string }[] };
    expect(plan.actions.map((a) => a.kind)).toEqual(['topic.create', 'user.create', 'acl.create', 'acl.create']);
    const text = await kf(['plan']);
    expect(text.stdout).toContain('+ user alice (SCRAM-SHA-512, 8192 iterations)');
    expect(text.stdout).toContain('+ acl User:alice allow describe on topic orders');
    expect(text.stdout).toContain('+ acl User:alice allow write on topic orders');
    const md = await kf(['plan', '--format', 'markdown']);
    expect(md.stdout).toContain('| `+` | acl User:alice allow write on topic orders |');
    for (const out of [planned, text, md]) expect(out.stdout + out.stderr).not.toContain(ALICE_PASSWORD);

    const applied = await kf(['apply', '--auto-approve', '--json']);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).converged).toBe(true);
    expect(applied.stdout + applied.stderr).not.toContain(ALICE_PASSWORD);

    const produced = await produceAsAlice(ALICE_PASSWORD);
    expect(produced.stdout, produced.stderr).toContain('exit=0');
    const again = await kf(['plan', '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
  }, 120_000);

  it('keeps no secret in the state topic', async () => {
    const state = await stateTopic();
    expect(state.stdout).toContain('user/alice');
    expect(state.stdout).toContain('"kind":"acl"');
    expect(state.stdout).not.toContain(ALICE_PASSWORD);
    expect(state.stdout).not.toContain(ADMIN_PASSWORD);
  }, 60_000);

  it('changes a password only when asked: --rotate-passwords sets the declared one', async () => {
    const unchanged = await kf(['plan', '--detailed-exitcode'], { ALICE_PASSWORD: ALICE_NEW_PASSWORD });
    expect(unchanged.code, unchanged.stdout).toBe(0);

    const planned = await kf(['plan', '--rotate-passwords'], { ALICE_PASSWORD: ALICE_NEW_PASSWORD });
    expect(planned.stdout).toContain('~ user alice (SCRAM-SHA-512): password rotated');
    const rotated = await kf(['apply', '--auto-approve', '--json', '--rotate-passwords'], { ALICE_PASSWORD: ALICE_NEW_PASSWORD });
    expect(rotated.code, rotated.stdout + rotated.stderr).toBe(0);
    expect(JSON.parse(rotated.stdout).converged).toBe(true);
    expect(rotated.stdout + rotated.stderr).not.toContain(ALICE_NEW_PASSWORD);

    expect((await produceAsAlice(ALICE_NEW_PASSWORD)).stdout).toContain('exit=0');
    const old = await produceAsAlice(ALICE_PASSWORD);
    expect(old.stdout).not.toContain('exit=0');
    expect(old.stderr).toMatch(/Authentication failed/i);
  }, 120_000);

  it('a changed rotate marker sets the password again, once', async () => {
    writeSpec(specText({ acl: true, users: '  alice: { password: "${ALICE_PASSWORD}", rotate: "2026-11-30" }' }));
    const planned = await kf(['plan'], { ALICE_PASSWORD });
    expect(planned.stdout).toContain('~ user alice (SCRAM-SHA-512): password rotated');
    const applied = await kf(['apply', '--auto-approve', '--json'], { ALICE_PASSWORD });
    expect(JSON.parse(applied.stdout).converged).toBe(true);
    expect((await produceAsAlice(ALICE_PASSWORD)).stdout).toContain('exit=0');
    expect((await kf(['plan', '--detailed-exitcode'], { ALICE_PASSWORD })).code).toBe(0);
  }, 120_000);

  it('removing the ACL needs --allow-delete; then alice can no longer produce', async () => {
    writeSpec(specText({ acl: false, users: '  alice: { password: "${ALICE_PASSWORD}", rotate: "2026-11-30" }' }));
    const kept = await kf(['plan']);
    expect(kept.stdout).toContain('Warning [P003] ACL User:alice allow write on topic orders was created by project kft-h12b-acl and is no longer in the spec; it is kept');
    expect(kept.stdout).toContain('No changes.');

    const planned = await kf(['plan', '--allow-delete']);
    expect(planned.stdout).toContain('- acl User:alice allow describe on topic orders (created by project kft-h12b-acl, no longer in the spec)');
    expect(planned.stdout).toContain('- acl User:alice allow write on topic orders (created by project kft-h12b-acl, no longer in the spec)');
    const applied = await kf(['apply', '--auto-approve', '--json', '--allow-delete']);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).converged).toBe(true);

    const refused = await produceAsAlice(ALICE_PASSWORD);
    expect(refused.stdout).not.toContain('exit=0');
    expect(refused.stderr).toMatch(/TOPIC_AUTHORIZATION_FAILED/);
  }, 120_000);

  it('never deletes a binding it did not create, even with --allow-delete', async () => {
    // A binding made by someone else (here: the broker's own CLI), for the same principal and topic.
    const made = await run('docker', [
      'exec',
      'kft-h12b-acl-1',
      '/opt/kafka/bin/kafka-acls.sh',
      '--bootstrap-server',
      `127.0.0.1:${PLAIN_PORT}`,
      '--add',
      '--allow-principal',
      'User:alice',
      '--operation',
      'Read',
      '--topic',
      'orders',
    ]);
    expect(made.code, made.stderr).toBe(0);
    const planned = await kf(['plan', '--allow-delete', '--detailed-exitcode']);
    expect(planned.code, planned.stdout).toBe(0);
    expect(planned.stdout).not.toContain('- acl');
  }, 120_000);
});
