import { describe, expect, it } from 'vitest';
import { isKafkaformError, type KafkaformError, type Problem } from '../../../src/errors.js';
import { parseSpec } from '../../../src/spec/load.js';

// `acls:` and `users:` through the schema and the spec loader: every mistake at file:line:col, passwords never quoted.

const HEAD = 'version: 1\nproject: shop\ncluster:\n  bootstrapServers: [localhost:9092]\n'; // four lines

function specError(text: string, env: Record<string, string> = {}): KafkaformError {
  try {
    parseSpec(text, 'kafka.config.yaml', env);
  } catch (e) {
    if (isKafkaformError(e) && e.code === 'KF101') return e;
    throw e;
  }
  throw new Error('expected parseSpec to throw SPEC_INVALID');
}

function lines(problems: Problem[] | undefined): string[] {
  return (problems ?? []).map((p) => `${p.at?.line}:${p.at?.col} ${p.path ?? ''}: ${p.message}`);
}

describe('acls', () => {
  it('expands each entry to one binding per operation, with defaults', () => {
    const s = parseSpec(
      `${HEAD}acls:\n  - principal: User:alice\n    name: orders\n    operations: [write, describe]\n  - principal: User:ops\n    resource: cluster\n    operations: [describe-configs]\n    permission: deny\n    host: 10.0.0.1\n`,
      'kafka.config.yaml',
    );
    expect(s.acls?.map(({ pos, ...b }) => ({ ...b, at: `${pos.line}:${pos.col}` }))).toEqual([
      { resourceType: 'topic', name: 'orders', pattern: 'literal', principal: 'User:alice', host: '*', operation: 'write', permission: 'allow', at: '8:18' },
      { resourceType: 'topic', name: 'orders', pattern: 'literal', principal: 'User:alice', host: '*', operation: 'describe', permission: 'allow', at: '8:25' },
      { resourceType: 'cluster', name: 'kafka-cluster', pattern: 'literal', principal: 'User:ops', host: '10.0.0.1', operation: 'describe-configs', permission: 'deny', at: '11:18' },
    ]);
  });

  it('reports an operation the resource type lacks, a bad principal, an unknown operation and a missing name at line:col', () => {
    const e = specError(
      `${HEAD}acls:\n  - principal: alice\n    resource: group\n    name: app\n    operations: [read, write]\n  - principal: User:bob\n    name: t\n    operations: [wrte]\n  - principal: User:carol\n    operations: [read]\n`,
    );
    expect(lines(e.problems)).toEqual([
      '6:16 acls[0].principal: expected a principal such as User:alice (type:name), got "alice"',
      '9:24 acls[0].operations[1]: operation "write" does not apply to resource type group',
      '12:18 acls[1].operations[0]: expected one of all, read, write, create, delete, alter, describe, cluster-action, describe-configs, alter-configs, idempotent-write, got "wrte"; did you mean "write"?',
      '13:5 acls[2].name: missing required key "name" in acls[2]: a topic ACL names its resource',
    ]);
    expect(e.problems?.[1]?.hint).toBe('use one of all, read, describe, delete');
  });

  it('refuses a named or prefixed cluster resource and a binding declared twice', () => {
    const e = specError(
      `${HEAD}acls:\n  - principal: User:a\n    resource: cluster\n    name: other\n    pattern: prefixed\n    operations: [alter]\n  - principal: User:a\n    resource: cluster\n    operations: [alter]\n  - principal: User:a\n    resource: cluster\n    operations: [alter]\n`,
    );
    expect(lines(e.problems)).toEqual([
      '8:11 acls[0].name: the cluster resource has no name other than kafka-cluster, got "other"',
      '9:14 acls[0].pattern: the cluster resource takes no prefixed pattern',
      '16:18 acls[2].operations[0]: ACL User:a allow alter on cluster is declared twice (first in acls[1])',
    ]);
  });
});

describe('users', () => {
  it('reads users with defaults; the password comes from the environment', () => {
    const s = parseSpec(`${HEAD}users:\n  alice:\n    password: \${ALICE_PW}\n  bob:\n    mechanism: scram-sha-256\n    iterations: 4096\n    password: pw\n    rotate: 2026-11\n`, 'kafka.config.yaml', { ALICE_PW: 's3cret' });
    expect(s.users?.map((u) => ({ name: u.name, mechanism: u.mechanism, iterations: u.iterations, password: u.password, rotate: u.rotate }))).toEqual([
      { name: 'alice', mechanism: 'scram-sha-512', iterations: 8192, password: 's3cret', rotate: null },
      { name: 'bob', mechanism: 'scram-sha-256', iterations: 4096, password: 'pw', rotate: '2026-11' },
    ]);
  });

  it('reports bad fields at line:col and never quotes a password', () => {
    const e = specError(`${HEAD}users:\n  alice:\n    password: 12345678\n    iterations: 100\n    mechanism: scram-sha-1\n  bob:\n    password: \${MISSING_PW}\n`);
    const text = lines(e.problems);
    expect(text).toEqual([
      '7:15 users.alice.password: expected a string, got a number',
      '8:17 users.alice.iterations: expected an integer from 4096 to 16384, got 100',
      '9:16 users.alice.mechanism: expected one of scram-sha-256, scram-sha-512, got "scram-sha-1"; did you mean "scram-sha-512"?',
      '11:15 users.bob.password: environment variable MISSING_PW is not set',
    ]);
    expect(JSON.stringify(e.problems)).not.toContain('12345678');
  });
});
