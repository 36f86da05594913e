import { aclKey, describeBinding, sortBindings, type AclBinding } from './acl-binding.js';
import type { AclCreateAction, AclDeleteAction, AccessAction, ScramMechanismId, UserCreateAction, UserDeleteAction, UserUpdateAction } from './access-types.js';
import type { Desired, PlanOptions } from './desired.js';
import type { Observed } from './observed.js';
import { DiagnosticCodes, type Diagnostic } from './types.js';

/** What the planner decided about ACLs and users, sorted (by binding key, by user name). */
export interface AccessPlan {
  actions: AccessAction[];
  diagnostics: Diagnostic[];
}

/**
 * Diffs declared ACL bindings and SCRAM users against the cluster. Declared bindings that are missing are
 * created; a binding is deleted only when the state topic says this project created it, the spec no longer
 * declares it, and deletion was opted into. Users likewise; an existing user's password is set again only when
 * asked (--rotate-passwords, or a `rotate` marker that differs from the one recorded), since it cannot be read back.
 */
export function planAccess(desired: Desired, observed: Observed, options: PlanOptions): AccessPlan {
  const out: AccessPlan = { actions: [], diagnostics: [] };
  planAcls(desired, observed, options, out);
  planUsers(desired, observed, options, out);
  return out;
}

/** ACL creates and deletes. */
function planAcls(desired: Desired, observed: Observed, options: PlanOptions, out: AccessPlan): void {
  const { spec } = desired;
  const declared = spec.acls ?? [];
  const cluster = observed.cluster;
  if (cluster === null) {
    for (const b of sortBindings(declared)) out.actions.push(create(b, 'the cluster is created by this plan'));
    return;
  }
  if (cluster.acls === null) {
    if (declared.length > 0) {
      out.diagnostics.push({
        code: DiagnosticCodes.NO_AUTHORIZER,
        severity: 'error',
        message: 'the spec declares ACLs, but the cluster has no authorizer, so it keeps no ACLs',
        hint: 'enable an authorizer on the brokers (authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer), or remove the acls section',
        at: declared[0]!.pos,
      });
    }
    return;
  }
  const existing = new Map((cluster.acls ?? []).map((b) => [aclKey(b), b]));
  const wanted = new Set(declared.map(aclKey));
  for (const b of sortBindings(declared)) {
    if (!existing.has(aclKey(b))) out.actions.push(create(b, 'not on the cluster'));
  }
  const owners = cluster.aclOwners ?? {};
  const allowDelete = options.allowDelete || spec.allowDelete;
  for (const [key, b] of [...existing].sort(([a], [z]) => (a < z ? -1 : a > z ? 1 : 0))) {
    if (wanted.has(key) || owners[key] !== spec.project) continue;
    if (allowDelete) {
      const action: AclDeleteAction = { kind: 'acl.delete', binding: strip(b), reason: `created by project ${spec.project}, no longer in the spec` };
      out.actions.push(action);
    } else {
      out.diagnostics.push(kept(`acl ${key}`, `ACL ${describeBinding(b)}`, spec.project));
    }
  }
}

/** SCRAM user creates, updates (iterations, rotation) and deletes. */
function planUsers(desired: Desired, observed: Observed, options: PlanOptions, out: AccessPlan): void {
  const { spec } = desired;
  const declared = spec.users ?? [];
  const cluster = observed.cluster;
  const scram = cluster?.scramUsers ?? {};
  const records = cluster?.userOwners ?? {};
  for (const u of declared) {
    const creds = cluster === null ? [] : (scram[u.name] ?? []);
    const record = records[u.name];
    const ours = record?.project === spec.project;
    const markers = { rotate: u.rotate, rotatedRun: options.rotatePasswords ? (options.now ?? 0) : ours ? (record?.rotatedRun ?? null) : null };
    const current = creds.find((c) => c.mechanism === u.mechanism);
    if (!current) {
      const reason = cluster === null ? 'the cluster is created by this plan' : creds.length > 0 ? `has no ${u.mechanism.toUpperCase()} credential` : 'not on the cluster';
      const action: UserCreateAction = { kind: 'user.create', user: u.name, mechanism: u.mechanism, iterations: u.iterations, markers, reason };
      out.actions.push(action);
      continue;
    }
    const byFlag = options.rotatePasswords === true && (!ours || record?.rotatedRun !== (options.now ?? 0));
    const byMarker = u.rotate !== null && (!ours || record?.rotate !== u.rotate);
    if (byFlag || byMarker || current.iterations !== u.iterations) {
      const why = byFlag ? 'asked with --rotate-passwords' : byMarker ? `rotate marker is now ${JSON.stringify(u.rotate)}` : `the spec asks for ${u.iterations} iterations`;
      const action: UserUpdateAction = {
        kind: 'user.update',
        user: u.name,
        mechanism: u.mechanism,
        fromIterations: current.iterations,
        iterations: u.iterations,
        rotate: byFlag || byMarker,
        markers,
        reason: why,
      };
      out.actions.push(action);
    } else if (!ours) {
      out.diagnostics.push({
        code: DiagnosticCodes.USER_PASSWORD_UNCHECKED,
        severity: 'warning',
        subject: `user ${u.name}`,
        message: `user ${u.name} exists and was not created by project ${spec.project}; its password cannot be read back, so it may differ from the declared one`,
        hint: 'pass --rotate-passwords (or set a rotate marker) to set the declared password; it will not be deleted by this project',
        at: u.pos,
      });
    }
  }
  if (cluster === null) return;
  const wanted = new Set(declared.map((u) => u.name));
  const allowDelete = options.allowDelete || spec.allowDelete;
  for (const name of Object.keys(scram).sort()) {
    if (wanted.has(name) || records[name]?.project !== spec.project) continue;
    const mechanisms = [...new Set(scram[name]!.map((c) => c.mechanism))].sort() as ScramMechanismId[];
    if (allowDelete) {
      const action: UserDeleteAction = { kind: 'user.delete', user: name, mechanisms, reason: `created by project ${spec.project}, no longer in the spec` };
      out.actions.push(action);
    } else {
      out.diagnostics.push(kept(`user ${name}`, `user ${name}`, spec.project));
    }
  }
}

/** DELETE_NOT_ALLOWED: something this project created is no longer declared and deletion was not opted into. */
function kept(subject: string, what: string, project: string): Diagnostic {
  return {
    code: DiagnosticCodes.DELETE_NOT_ALLOWED,
    severity: 'warning',
    subject,
    message: `${what} was created by project ${project} and is no longer in the spec; it is kept`,
    hint: 'it would be deleted with --allow-delete or allowDelete: true',
  };
}

function create(b: AclBinding, reason: string): AclCreateAction {
  return { kind: 'acl.create', binding: strip(b), reason };
}

/** The binding fields only (a spec binding also carries its source position). */
function strip(b: AclBinding): AclBinding {
  return { resourceType: b.resourceType, name: b.name, pattern: b.pattern, principal: b.principal, host: b.host, operation: b.operation, permission: b.permission };
}
