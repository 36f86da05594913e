import { aclKey, type AclBinding } from '../plan/acl-binding.js';
import type { UserRecord } from '../plan/access-types.js';

// State-topic records of the access sections (see state.ts for the topic itself). Keys: `acl/<aclKey>` and
// `user/<name>`; values name the project and, for users, the rotation markers. Never a password, salt or
// anything derived from a password.

/** A state-topic message (state.ts's StateMessage, spelled here so the two modules do not import each other). */
interface StateMessage {
  key: string;
  value: string | null;
}

/** The state-topic key of a binding's ownership record. */
export function aclOwnershipKey(b: AclBinding): string {
  return `acl/${aclKey(b)}`;
}

/** The state-topic key of a user's record. */
export function userKey(user: string): string {
  return `user/${user}`;
}

/** "This project created this binding": written before the create, tombstoned after the delete. */
export function aclOwnershipMessage(project: string, b: AclBinding, at: Date = new Date()): StateMessage & { value: string } {
  const binding = { resourceType: b.resourceType, name: b.name, pattern: b.pattern, principal: b.principal, host: b.host, operation: b.operation, permission: b.permission };
  return { key: aclOwnershipKey(b), value: JSON.stringify({ kind: 'acl', project, binding, at: at.toISOString() }) };
}

/** "This project created this user, and its password was last set under these markers". */
export function userMessage(user: string, rec: UserRecord, at: Date = new Date()): StateMessage & { value: string } {
  return { key: userKey(user), value: JSON.stringify({ kind: 'user', project: rec.project, user, rotate: rec.rotate, rotatedRun: rec.rotatedRun, at: at.toISOString() }) };
}

/** The tombstone forgetting a binding's owner. */
export function aclTombstone(b: AclBinding): StateMessage {
  return { key: aclOwnershipKey(b), value: null };
}

/** The tombstone forgetting a user's record. */
export function userTombstone(user: string): StateMessage {
  return { key: userKey(user), value: null };
}

/** What the access records of the state topic say. */
export interface AccessState {
  /** aclKey → project. */
  aclOwners: Record<string, string>;
  /** user name → record. */
  users: Record<string, UserRecord>;
}

/** Folds one latest state record into `into` when it is an access record (checked against its key); false otherwise. */
export function foldAccessRecord(key: string, o: Record<string, unknown>, into: AccessState): boolean {
  if (o.kind === 'acl' && typeof o.project === 'string' && o.binding && typeof o.binding === 'object') {
    const k = aclKey(o.binding as AclBinding);
    if (key !== `acl/${k}`) return false;
    into.aclOwners[k] = o.project;
    return true;
  }
  if (o.kind === 'user' && typeof o.project === 'string' && typeof o.user === 'string' && key === userKey(o.user)) {
    into.users[o.user] = {
      project: o.project,
      rotate: typeof o.rotate === 'string' ? o.rotate : null,
      rotatedRun: typeof o.rotatedRun === 'number' ? o.rotatedRun : null,
    };
    return true;
  }
  return false;
}
