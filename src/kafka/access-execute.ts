import { plural } from '../words.js';
import { ErrorCodes, KafkaformError } from '../errors.js';
import type { AccessAction, AclCreateAction, AclDeleteAction, UserCreateAction, UserDeleteAction, UserUpdateAction } from '../plan/access-types.js';
import type { Spec } from '../spec/types.js';
import { aclOwnershipMessage, aclTombstone, userMessage, userTombstone } from './access-state.js';
import { createAcls, deleteAcls } from './acls.js';
import type { KafkaConnection } from './client.js';
import { isBrokerError, requestFailed } from './errors.js';
import { alterScramUsers } from './scram.js';
import { writeState, type StateMessage } from './state.js';
import type { Outcomes } from './topic-actions.js';

/** What the access executors need: the connection, the spec (project, and the passwords of declared users). */
export interface AccessExecContext {
  conn: KafkaConnection;
  spec: Spec;
  onProgress?: (msg: string) => void;
}

/** What an action is about, for error messages. */
function subject(a: AccessAction): string {
  return a.kind.startsWith('acl.') ? `${(a as AclCreateAction).binding.principal} on ${(a as AclCreateAction).binding.resourceType} ${(a as AclCreateAction).binding.name}` : (a as UserCreateAction).user;
}

/**
 * Creates bindings in one CreateAcls request, ownership recorded first (intent), so a crash after the create still
 * leaves them owned. When the batch is refused, each is sent alone to attribute the error, and the records of
 * those Kafka refused are taken back. Creating an existing binding is a no-op in Kafka, so a repeat is safe.
 */
export async function createBindings(actions: AclCreateAction[], ctx: AccessExecContext): Promise<Outcomes<AclCreateAction>> {
  const outcomes: Outcomes<AclCreateAction> = new Map();
  await writeState(ctx.conn, ctx.spec.project, actions.map((a) => aclOwnershipMessage(ctx.spec.project, a.binding)));
  ctx.onProgress?.(`creating ${plural(actions.length, 'ACL')}`);
  try {
    await createAcls(ctx.conn, actions.map((a) => a.binding));
    for (const a of actions) outcomes.set(a, null);
    return outcomes;
  } catch (err) {
    if (!isBrokerError(err) || actions.length === 1) {
      for (const a of actions) outcomes.set(a, requestFailed('create ACL', subject(a), err));
      if (isBrokerError(err)) await takeBack(ctx, actions.map((a) => aclTombstone(a.binding)));
      return outcomes;
    }
  }
  const refused: StateMessage[] = [];
  for (const a of actions) {
    try {
      await createAcls(ctx.conn, [a.binding]);
      outcomes.set(a, null);
    } catch (err) {
      outcomes.set(a, requestFailed('create ACL', subject(a), err));
      if (isBrokerError(err)) refused.push(aclTombstone(a.binding));
    }
  }
  await takeBack(ctx, refused);
  return outcomes;
}

/** Writes tombstones of records whose change Kafka refused; a failure here is only reported as progress. */
async function takeBack(ctx: AccessExecContext, messages: StateMessage[]): Promise<void> {
  try {
    await writeState(ctx.conn, ctx.spec.project, messages);
  } catch (err) {
    ctx.onProgress?.(`could not take back ownership records: ${(err as Error).message}`);
  }
}

/** Deletes bindings in one DeleteAcls request (an exact filter each), then forgets their ownership. */
export async function deleteBindings(actions: AclDeleteAction[], ctx: AccessExecContext): Promise<Outcomes<AclDeleteAction>> {
  const outcomes: Outcomes<AclDeleteAction> = new Map();
  ctx.onProgress?.(`deleting ${plural(actions.length, 'ACL')}`);
  const errors = await deleteAcls(ctx.conn, actions.map((a) => a.binding));
  actions.forEach((a, i) => {
    const e = errors[i] ?? null;
    outcomes.set(a, e === null ? null : new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, `delete ACL ${subject(a)} failed: error ${e}`, { hint: 'the configured principal needs ALTER on the cluster; run apply again' }));
  });
  const done = actions.filter((a) => outcomes.get(a) === null);
  try {
    await writeState(ctx.conn, ctx.spec.project, done.map((a) => aclTombstone(a.binding)));
  } catch (err) {
    for (const a of done) outcomes.set(a, requestFailed('forget ownership of ACL', subject(a), err));
  }
  return outcomes;
}

/**
 * Sets credentials of declared users in one AlterUserScramCredentials request; the password comes from the spec
 * and is salted in src/kafka/scram.ts. A create records ownership first (intent); every applied action records
 * its rotation markers afterwards, so the next plan sees the password as set.
 */
export async function setUsers<A extends UserCreateAction | UserUpdateAction>(actions: A[], ctx: AccessExecContext): Promise<Outcomes<A>> {
  const outcomes: Outcomes<A> = new Map();
  const project = ctx.spec.project;
  const declared = new Map((ctx.spec.users ?? []).map((u) => [u.name, u]));
  const sendable = actions.filter((a) => {
    if (declared.has(a.user)) return true;
    outcomes.set(a, new KafkaformError(ErrorCodes.INTERNAL, `user ${a.user} is planned but not declared in the spec; this is a bug, please report it`));
    return false;
  });
  const creates = sendable.filter((a) => a.kind === 'user.create');
  await writeState(ctx.conn, ctx.spec.project, creates.map((a) => userMessage(a.user, { project, ...a.markers })));
  ctx.onProgress?.(`setting SCRAM credentials of ${plural(sendable.length, 'user')}`);
  const results = await alterScramUsers(
    ctx.conn,
    sendable.map((a) => ({ user: a.user, mechanism: a.mechanism, iterations: a.iterations, password: declared.get(a.user)!.password })),
    [],
  );
  for (const a of sendable) outcomes.set(a, results.has(a.user) ? results.get(a.user)! : missingResult(a.user));
  const applied = sendable.filter((a) => outcomes.get(a) === null);
  try {
    await writeState(ctx.conn, ctx.spec.project, applied.map((a) => userMessage(a.user, { project, ...a.markers })));
  } catch (err) {
    for (const a of applied) outcomes.set(a, requestFailed('record user', a.user, err));
  }
  return outcomes;
}

/** Removes every credential of the users in one request, then forgets them; a credential already gone is done. */
export async function deleteUsers(actions: UserDeleteAction[], ctx: AccessExecContext): Promise<Outcomes<UserDeleteAction>> {
  const outcomes: Outcomes<UserDeleteAction> = new Map();
  ctx.onProgress?.(`deleting ${plural(actions.length, 'user')}`);
  const results = await alterScramUsers(ctx.conn, [], actions.flatMap((a) => a.mechanisms.map((mechanism) => ({ user: a.user, mechanism }))));
  for (const a of actions) {
    const e = results.has(a.user) ? results.get(a.user)! : missingResult(a.user);
    outcomes.set(a, e && e.details.kafkaError === 'RESOURCE_NOT_FOUND' ? null : e);
  }
  const done = actions.filter((a) => outcomes.get(a) === null);
  try {
    await writeState(ctx.conn, ctx.spec.project, done.map((a) => userTombstone(a.user)));
  } catch (err) {
    for (const a of done) outcomes.set(a, requestFailed('forget user', a.user, err));
  }
  return outcomes;
}

/** The broker's answer lacked a user named in the request. */
function missingResult(user: string): KafkaformError {
  return new KafkaformError(ErrorCodes.KAFKA_REQUEST_FAILED, `the broker's answer names no result for user ${user}`, { hint: 'run plan again to see whether the change happened' });
}
