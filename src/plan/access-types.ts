// Plan actions and observed facts of the `acls:` and `users:` sections. Plain data; no secret ever appears here:
// a user action names the user, mechanism and iteration count, and the executor takes the password from the spec.
import type { AclBinding } from './acl-binding.js';

/** A SCRAM mechanism as the spec spells it. */
export type ScramMechanismId = 'scram-sha-256' | 'scram-sha-512';

/** Create an ACL binding; consecutive creates go in one CreateAcls request, ownership recorded first. */
export interface AclCreateAction {
  kind: 'acl.create';
  binding: AclBinding;
  reason: string;
}

/** Delete an ACL binding this project created and no longer declares (needs opt-in); one DeleteAcls request per run of them. */
export interface AclDeleteAction {
  kind: 'acl.delete';
  binding: AclBinding;
  reason: string;
}

/** Create a SCRAM credential for a user who has none with this mechanism. */
export interface UserCreateAction {
  kind: 'user.create';
  user: string;
  mechanism: ScramMechanismId;
  iterations: number;
  /** The markers the state topic records once it is applied (no secret). */
  markers: RotationMarkers;
  reason: string;
}

/**
 * Set an existing user's credential again: the iteration count changes, or the password is rotated (asked for with
 * --rotate-passwords or a changed `rotate` marker). Either way the declared password is salted and sent anew.
 */
export interface UserUpdateAction {
  kind: 'user.update';
  user: string;
  mechanism: ScramMechanismId;
  /** Iterations before; equal to `iterations` for a pure rotation. */
  fromIterations: number;
  iterations: number;
  /** True when the password is set again on request (not only because the iteration count changed). */
  rotate: boolean;
  /** The markers the state topic records once it is applied (no secret). */
  markers: RotationMarkers;
  reason: string;
}

/** Delete every SCRAM credential of a user this project created and no longer declares (needs opt-in). */
export interface UserDeleteAction {
  kind: 'user.delete';
  user: string;
  mechanisms: ScramMechanismId[];
  reason: string;
}

/** When a user's password was last set on request: the planner compares these with the spec and the run. */
export interface RotationMarkers {
  /** The `rotate` marker in effect; null when none was declared. */
  rotate: string | null;
  /** The plan time (epoch ms) of the last --rotate-passwords run that set it; null when none did. */
  rotatedRun: number | null;
}

/** The actions of the access sections. */
export type AccessAction = AclCreateAction | AclDeleteAction | UserCreateAction | UserUpdateAction | UserDeleteAction;

/** One SCRAM credential as DescribeUserScramCredentials shows it (no secret: mechanism and iterations only). */
export interface ObservedScramCredential {
  mechanism: ScramMechanismId;
  iterations: number;
}

/** What the state topic says about a user this or another project created; never a password or anything derived from one. */
export interface UserRecord extends RotationMarkers {
  project: string;
}

/** The access facts of a cluster, observed only when the spec declares ACLs or users, or the project owns some. */
export interface ObservedAccess {
  /**
   * Every ACL binding on the cluster (one DescribeAcls), sorted by key; null when the cluster has no authorizer
   * (SECURITY_DISABLED); absent when not observed.
   */
  acls?: AclBinding[] | null;
  /** User name → SCRAM credentials (one DescribeUserScramCredentials); absent when not observed. */
  scramUsers?: Record<string, ObservedScramCredential[]>;
  /** ACL key (aclKey) → project that created the binding, from the state topic. */
  aclOwners?: Record<string, string>;
  /** User name → the record of the project that created it, from the state topic. */
  userOwners?: Record<string, UserRecord>;
}
