import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeProject, ROOT, run, type Ran } from '../support/project.js';

// End to end on kafkaform's own secured local cluster (containers.kafka.security: SASL_SSL, SCRAM-SHA-512, the
// admin bootstrapped at format time, the StandardAuthorizer on): one apply starts the cluster and creates the
// SCRAM user alice and her ACL; alice produces with an independent client (Python confluent-kafka over TLS);
// removing the ACL (with --allow-delete) makes the same produce fail with TOPIC_AUTHORIZATION_FAILED.

const CLI = join(ROOT, 'dist/src/cli/main.js');
const PROJECT = 'kft-h12b-e2e';
const PORT = 58110;
const ADMIN = 'adm-Secret-e2e-5b1c';
const ALICE = 'alice-Secret-e2e-0d7e';
const ENV = { KFT_H12B_ADMIN: ADMIN, KFT_H12B_ALICE: ALICE };

let dir: string;

const specText = (acl: boolean) => `version: 1
project: ${PROJECT}
containers:
  kafka:
    network: host
    port: ${PORT}
    controllerPort: ${PORT + 100}
    heap: 384m
    persistence: none
    security:
      listener: SASL_SSL
      mechanism: SCRAM-SHA-512
      admin: { username: admin, password: "\${KFT_H12B_ADMIN}" }
      authorizer: true
topics:
  orders: { partitions: 1, replicationFactor: 1 }
users:
  alice: { password: "\${KFT_H12B_ALICE}" }
${
  acl
    ? `acls:
  - principal: User:alice
    name: orders
    operations: [write, describe]
`
    : ''
}`;

function kf(args: string[]): Promise<Ran> {
  return run(process.execPath, [CLI, ...args], { cwd: dir, env: ENV, timeoutMs: 240_000 });
}

/** alice produces one message over SASL_SSL, trusting the CA kafkaform generated for the project. */
function produceAsAlice(): Promise<Ran> {
  const ca = join(dir, '.kafkaform', PROJECT, 'tls', 'ca.pem');
  return run('python3', [join(ROOT, 'test/python/produce_as.py'), '--bootstrap', `127.0.0.1:${PORT}`, '--topic', 'orders', '--user', 'alice', '--protocol', 'SASL_SSL', '--ca', ca], {
    env: { PW: ALICE },
    timeoutMs: 60_000,
  });
}

beforeAll(async () => {
  await removeProject(PROJECT);
  dir = mkdtempSync(join(tmpdir(), 'kft-h12b-e2e-'));
});

afterAll(async () => {
  await removeProject(PROJECT);
});

describe('ACLs and SCRAM users on the secured local cluster', () => {
  it('one apply starts the cluster, creates alice and her ACL; she produces; without the ACL she is refused', async () => {
    writeFileSync(join(dir, 'kafka.config.yaml'), specText(true));
    const applied = await kf(['apply', '--auto-approve', '--json']);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const report = JSON.parse(applied.stdout) as { converged: boolean; applied: { action: { kind: string } }[] };
    expect(report.converged).toBe(true);
    expect(report.applied.map((r) => r.action.kind)).toEqual(expect.arrayContaining(['user.create', 'acl.create']));
    expect(applied.stdout + applied.stderr).not.toContain(ALICE);

    const produced = await produceAsAlice();
    expect(produced.stdout, produced.stderr).toContain('exit=0');

    writeFileSync(join(dir, 'kafka.config.yaml'), specText(false));
    const planned = await kf(['plan', '--allow-delete']);
    expect(planned.stdout).toContain('- acl User:alice allow write on topic orders (created by project kft-h12b-e2e, no longer in the spec)');
    const removed = await kf(['apply', '--auto-approve', '--json', '--allow-delete']);
    expect(removed.code, removed.stdout + removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout).converged).toBe(true);

    const refused = await produceAsAlice();
    expect(refused.stdout).toContain('exit=1');
    expect(refused.stderr).toMatch(/TOPIC_AUTHORIZATION_FAILED/);
  }, 300_000);
});
