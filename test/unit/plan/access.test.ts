import { describe, expect, it } from 'vitest';
import { aclKey, type AclBinding } from '../../../src/plan/acl-binding.js';
import { plan } from '../../../src/plan/planner.js';
import { renderPlanMarkdown } from '../../../src/plan/render-markdown.js';
import { renderPlanText } from '../../../src/plan/render-text.js';
import type { AclSpec, UserSpec } from '../../../src/spec/types.js';
import { cluster, desired, observed, options, pos, spec } from './builders.js';

// The pure planner of `acls:` and `users:`: creates, ownership-guarded deletes with opt-in, rotation only when
// asked, and renderings that never carry a password.

const binding = (over: Partial<AclBinding> = {}): AclBinding => ({
  resourceType: 'topic',
  name: 'orders',
  pattern: 'literal',
  principal: 'User:alice',
  host: '*',
  operation: 'write',
  permission: 'allow',
  ...over,
});
const declared = (over: Partial<AclBinding> = {}): AclSpec => ({ ...binding(over), pos: pos(20, 7) });
const user = (over: Partial<UserSpec> = {}): UserSpec => ({
  name: 'alice',
  mechanism: 'scram-sha-512',
  iterations: 8192,
  password: 'hunter2-secret',
  rotate: null,
  pos: pos(30),
  ...over,
});

describe('ACL planning', () => {
  it('creates declared bindings missing from the cluster, sorted, and leaves present ones alone', () => {
    const s = spec({ acls: [declared({ operation: 'write' }), declared({ operation: 'describe' }), declared({ resourceType: 'group', name: 'app', pattern: 'prefixed', operation: 'read' })] });
    const c = cluster({ acls: [binding({ operation: 'describe' })], aclOwners: {} });
    const p = plan(desired(s), observed(c), options());
    expect(p.actions).toEqual([
      { kind: 'acl.create', binding: binding({ resourceType: 'group', name: 'app', pattern: 'prefixed', operation: 'read' }), reason: 'not on the cluster' },
      { kind: 'acl.create', binding: binding({ operation: 'write' }), reason: 'not on the cluster' },
    ]);
    expect(p.summary).toEqual({ create: 2, change: 0, delete: 0 });
    expect(renderPlanText(p, { color: false })).toContain('  + acl User:alice allow read on group app*\n  + acl User:alice allow write on topic orders\n');
  });

  it('deletes an undeclared binding only when this project created it and deletion is opted into', () => {
    const mine = binding({ operation: 'read' });
    const theirs = binding({ operation: 'alter' });
    const foreign = binding({ operation: 'delete' });
    const c = cluster({ acls: [mine, theirs, foreign], aclOwners: { [aclKey(mine)]: 'shop', [aclKey(theirs)]: 'billing' } });
    const kept = plan(desired(spec()), observed(c), options());
    expect(kept.actions).toEqual([]);
    expect(kept.diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([
      ['P003', 'warning', 'ACL User:alice allow read on topic orders was created by project shop and is no longer in the spec; it is kept'],
    ]);
    const deleted = plan(desired(spec()), observed(c), options({ allowDelete: true }));
    expect(deleted.actions).toEqual([{ kind: 'acl.delete', binding: mine, reason: 'created by project shop, no longer in the spec' }]);
    expect(renderPlanText(deleted, { color: false })).toContain('  - acl User:alice allow read on topic orders (created by project shop, no longer in the spec)');
    expect(renderPlanMarkdown(deleted)).toContain('| `-` | acl User:alice allow read on topic orders (created by project shop, no longer in the spec) | ⚠️ **destructive** |');
  });

  it('is an error to declare ACLs on a cluster without an authorizer', () => {
    const p = plan(desired(spec({ acls: [declared()] })), observed(cluster({ acls: null })), options());
    expect(p.actions).toEqual([]);
    expect(p.diagnostics).toMatchObject([{ code: 'P030', severity: 'error', at: pos(20, 7) }]);
  });

  it('plans every declared binding as a create when the cluster is created by the plan', () => {
    const p = plan(desired(spec({ acls: [declared()] })), observed(null), options());
    expect(p.actions.map((a) => a.kind)).toContain('acl.create');
  });
});

describe('SCRAM user planning', () => {
  it('creates a missing user and shows mechanism and iterations, never the password', () => {
    const p = plan(desired(spec({ users: [user()] })), observed(cluster({ scramUsers: {}, userOwners: {} })), options({ now: 1000 }));
    expect(p.actions).toEqual([
      { kind: 'user.create', user: 'alice', mechanism: 'scram-sha-512', iterations: 8192, markers: { rotate: null, rotatedRun: null }, reason: 'not on the cluster' },
    ]);
    expect(JSON.stringify(p)).not.toContain('hunter2');
    expect(renderPlanText(p, { color: false, verbose: true })).toContain('+ user alice (SCRAM-SHA-512, 8192 iterations)');
  });

  it('leaves an existing user alone: the password cannot be compared', () => {
    const c = cluster({ scramUsers: { alice: [{ mechanism: 'scram-sha-512', iterations: 8192 }] }, userOwners: { alice: { project: 'shop', rotate: null, rotatedRun: null } } });
    const p = plan(desired(spec({ users: [user({ password: 'changed' })] })), observed(c), options());
    expect(p.actions).toEqual([]);
    expect(p.diagnostics).toEqual([]);
  });

  it('warns when a declared user exists but was created outside the project', () => {
    const c = cluster({ scramUsers: { alice: [{ mechanism: 'scram-sha-512', iterations: 8192 }] }, userOwners: {} });
    const p = plan(desired(spec({ users: [user()] })), observed(c), options());
    expect(p.diagnostics.map((d) => d.code)).toEqual(['P031']);
  });

  it('rotates with --rotate-passwords once per run, and with a changed rotate marker once', () => {
    const creds = { alice: [{ mechanism: 'scram-sha-512' as const, iterations: 8192 }] };
    const before = cluster({ scramUsers: creds, userOwners: { alice: { project: 'shop', rotate: 'q3', rotatedRun: null } } });
    const flagged = plan(desired(spec({ users: [user({ rotate: 'q3' })] })), observed(before), options({ rotatePasswords: true, now: 5000 }));
    expect(flagged.actions).toEqual([
      { kind: 'user.update', user: 'alice', mechanism: 'scram-sha-512', fromIterations: 8192, iterations: 8192, rotate: true, markers: { rotate: 'q3', rotatedRun: 5000 }, reason: 'asked with --rotate-passwords' },
    ]);
    expect(renderPlanText(flagged, { color: false })).toContain('~ user alice (SCRAM-SHA-512): password rotated');
    // After apply the record carries the run's markers: the same run plans nothing more.
    const after = cluster({ scramUsers: creds, userOwners: { alice: { project: 'shop', rotate: 'q3', rotatedRun: 5000 } } });
    expect(plan(desired(spec({ users: [user({ rotate: 'q3' })] })), observed(after), options({ rotatePasswords: true, now: 5000 })).actions).toEqual([]);
    const marker = plan(desired(spec({ users: [user({ rotate: 'q4' })] })), observed(after), options({ now: 6000 }));
    expect(marker.actions).toMatchObject([{ kind: 'user.update', rotate: true, markers: { rotate: 'q4', rotatedRun: 5000 }, reason: 'rotate marker is now "q4"' }]);
  });

  it('sets the credential again when the iteration count changes', () => {
    const c = cluster({ scramUsers: { alice: [{ mechanism: 'scram-sha-512', iterations: 4096 }] }, userOwners: { alice: { project: 'shop', rotate: null, rotatedRun: null } } });
    const p = plan(desired(spec({ users: [user()] })), observed(c), options());
    expect(renderPlanText(p, { color: false })).toContain('~ user alice (SCRAM-SHA-512): iterations 4096 → 8192, password set again');
  });

  it('deletes only users this project created, with opt-in', () => {
    const c = cluster({
      scramUsers: { alice: [{ mechanism: 'scram-sha-256', iterations: 4096 }], admin: [{ mechanism: 'scram-sha-512', iterations: 4096 }] },
      userOwners: { alice: { project: 'shop', rotate: null, rotatedRun: null } },
    });
    expect(plan(desired(spec()), observed(c), options()).diagnostics.map((d) => d.message)).toEqual([
      'user alice was created by project shop and is no longer in the spec; it is kept',
    ]);
    const p = plan(desired(spec()), observed(c), options({ allowDelete: true }));
    expect(p.actions).toEqual([{ kind: 'user.delete', user: 'alice', mechanisms: ['scram-sha-256'], reason: 'created by project shop, no longer in the spec' }]);
  });
});
