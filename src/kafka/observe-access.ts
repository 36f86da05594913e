import type { ObservedAccess } from '../plan/access-types.js';
import { describeAllAcls } from './acls.js';
import type { KafkaConnection } from './client.js';
import { describeScramUsers } from './scram.js';
import type { ClusterState } from './state.js';

/** Which access facts to observe: those the spec declares; the project's own records add theirs. */
export interface AccessScope {
  project?: string;
  /** The spec declares ACLs. */
  acls?: boolean;
  /** The spec declares SCRAM users. */
  users?: boolean;
}

/**
 * ACLs (one DescribeAcls for every binding) and SCRAM users (one DescribeUserScramCredentials for every user),
 * each only when the spec declares some or the state topic says the project created some (they may be due for
 * deletion). A cluster that declares neither and owns neither is asked nothing, so clusters without an
 * authorizer or without SCRAM are unaffected.
 */
export async function observeAccess(conn: KafkaConnection, scope: AccessScope, state: ClusterState): Promise<ObservedAccess> {
  const project = scope.project;
  const aclOwners = state.access?.aclOwners ?? {};
  const userOwners = state.access?.users ?? {};
  const ownsAcls = project !== undefined && Object.values(aclOwners).includes(project);
  const ownsUsers = project !== undefined && Object.values(userOwners).some((r) => r.project === project);
  const wantAcls = scope.acls === true || ownsAcls;
  const wantUsers = scope.users === true || ownsUsers;
  const [acls, scramUsers] = await Promise.all([
    wantAcls ? describeAllAcls(conn) : Promise.resolve(undefined),
    wantUsers ? describeScramUsers(conn) : Promise.resolve(undefined),
  ]);
  const out: ObservedAccess = {};
  if (wantAcls) {
    out.acls = acls ?? null;
    out.aclOwners = aclOwners;
  }
  if (wantUsers) {
    out.scramUsers = scramUsers ?? {};
    out.userOwners = userOwners;
  }
  return out;
}
