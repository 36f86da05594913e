// ACL bindings as plain data: the unit Kafka stores (one operation each), shared by the spec, the planner and the
// Kafka edge. Pure: no client types here, src/kafka/acls.ts maps these names to protocol codes.

/** A resource type an ACL can name. */
export type AclResourceType = 'topic' | 'group' | 'cluster' | 'transactional-id';

/** How a binding's resource name matches: exactly, or every name starting with it. */
export type AclPatternType = 'literal' | 'prefixed';

/** An operation an ACL grants or denies. */
export type AclOperation =
  | 'all'
  | 'read'
  | 'write'
  | 'create'
  | 'delete'
  | 'alter'
  | 'describe'
  | 'cluster-action'
  | 'describe-configs'
  | 'alter-configs'
  | 'idempotent-write';

/** Whether the binding allows or denies. */
export type AclPermission = 'allow' | 'deny';

/** The operations Kafka's authorizer checks on each resource type (Kafka docs, "Operations and Resources on Protocols"). */
export const OPERATIONS_BY_RESOURCE: Record<AclResourceType, readonly AclOperation[]> = {
  topic: ['all', 'read', 'write', 'create', 'delete', 'alter', 'describe', 'describe-configs', 'alter-configs'],
  group: ['all', 'read', 'describe', 'delete'],
  cluster: ['all', 'create', 'cluster-action', 'describe-configs', 'alter-configs', 'idempotent-write', 'alter', 'describe'],
  'transactional-id': ['all', 'describe', 'write'],
};

/** Every operation name, in the order of OPERATIONS_BY_RESOURCE's union. */
export const ACL_OPERATIONS: readonly AclOperation[] = [
  'all',
  'read',
  'write',
  'create',
  'delete',
  'alter',
  'describe',
  'cluster-action',
  'describe-configs',
  'alter-configs',
  'idempotent-write',
];

/** The one name the cluster resource has. */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster';

/** One ACL binding: a principal's permission for one operation on one resource pattern from one host. */
export interface AclBinding {
  resourceType: AclResourceType;
  /** Resource name, or prefix when pattern is prefixed; "*" (literal) means every resource of the type. */
  name: string;
  pattern: AclPatternType;
  /** "User:alice" (type:name). */
  principal: string;
  /** "*" for any host. */
  host: string;
  operation: AclOperation;
  permission: AclPermission;
}

/** The binding's identity as one string: equal strings mean equal bindings (the state topic keys ownership by it). */
export function aclKey(b: AclBinding): string {
  return JSON.stringify([b.resourceType, b.pattern, b.name, b.principal, b.host, b.operation, b.permission]);
}

/** "User:alice allow write on topic orders (prefixed) from *": how plans show a binding. */
export function describeBinding(b: AclBinding): string {
  const resource = b.resourceType === 'cluster' ? 'cluster' : `${b.resourceType} ${b.name}${b.pattern === 'prefixed' ? '*' : ''}`;
  const host = b.host === '*' ? '' : ` from ${b.host}`;
  return `${b.principal} ${b.permission} ${b.operation} on ${resource}${host}`;
}

/** Bindings sorted by key: the same set always lists in the same order. */
export function sortBindings<T extends AclBinding>(bs: T[]): T[] {
  return [...bs].sort((a, b) => {
    const ka = aclKey(a);
    const kb = aclKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
