import type { AclEntry, AclFilter } from 'kafkajs';
import { sortBindings, type AclBinding, type AclOperation, type AclResourceType } from '../plan/acl-binding.js';
import type { KafkaConnection } from './client.js';
import { kafkaErrorName, requestFailed } from './errors.js';

// ACL bindings through kafkajs' admin (DescribeAcls, CreateAcls, DeleteAcls). kafkajs' enums are not named ESM
// exports of its CommonJS entry, so the protocol codes are spelled here once.

const RESOURCE: Record<AclResourceType, number> = { topic: 2, group: 3, cluster: 4, 'transactional-id': 5 };
const PATTERN = { literal: 3, prefixed: 4 } as const;
const OPERATION: Record<AclOperation, number> = {
  all: 2,
  read: 3,
  write: 4,
  create: 5,
  delete: 6,
  alter: 7,
  describe: 8,
  'cluster-action': 9,
  'describe-configs': 10,
  'alter-configs': 11,
  'idempotent-write': 12,
};
const PERMISSION = { deny: 2, allow: 3 } as const;
/** The protocol's ANY filter value of every enum. */
const ANY = 1;

/** Code → name of an enum map; codes we do not model (delegation tokens, MATCH) map to undefined. */
function invert<K extends string>(m: Record<K, number>): Map<number, K> {
  return new Map(Object.entries(m).map(([k, v]) => [v as number, k as K]));
}
const RESOURCE_NAME = invert(RESOURCE);
const PATTERN_NAME = invert(PATTERN);
const OPERATION_NAME = invert(OPERATION);
const PERMISSION_NAME = invert(PERMISSION);

/** The kafkajs create entry (and exact delete filter) of a binding. */
export function aclEntry(b: AclBinding): AclEntry {
  return {
    resourceType: RESOURCE[b.resourceType],
    resourceName: b.name,
    resourcePatternType: PATTERN[b.pattern],
    principal: b.principal,
    host: b.host,
    operation: OPERATION[b.operation],
    permissionType: PERMISSION[b.permission],
  } as unknown as AclEntry;
}

/** The described resources as bindings; entries of kinds this project does not model are left out. */
export function bindingsOf(resources: { resourceType: number; resourceName: string; resourcePatternType: number; acls: { principal: string; host: string; operation: number; permissionType: number }[] }[]): AclBinding[] {
  const out: AclBinding[] = [];
  for (const r of resources) {
    const resourceType = RESOURCE_NAME.get(r.resourceType);
    const pattern = PATTERN_NAME.get(r.resourcePatternType);
    if (!resourceType || !pattern) continue;
    for (const a of r.acls) {
      const operation = OPERATION_NAME.get(a.operation);
      const permission = PERMISSION_NAME.get(a.permissionType);
      if (!operation || !permission) continue;
      out.push({ resourceType, name: r.resourceName, pattern, principal: a.principal, host: a.host, operation, permission });
    }
  }
  return sortBindings(out);
}

/** Every ACL binding on the cluster, with one DescribeAcls (filter ANY); null when the cluster has no authorizer. */
export async function describeAllAcls(conn: KafkaConnection): Promise<AclBinding[] | null> {
  const admin = await conn.admin();
  try {
    const filter = { resourceType: ANY, resourcePatternType: ANY, operation: ANY, permissionType: ANY } as unknown as AclFilter;
    const { resources } = await admin.describeAcls(filter);
    return bindingsOf(resources as unknown as Parameters<typeof bindingsOf>[0]);
  } catch (err) {
    if (kafkaErrorName(err) === 'SECURITY_DISABLED') return null;
    throw requestFailed('describe ACLs', null, err);
  }
}

/** Creates bindings in one CreateAcls request; throws kafkajs' error (the first failing entry's) when any is refused. */
export async function createAcls(conn: KafkaConnection, bindings: AclBinding[]): Promise<void> {
  if (bindings.length === 0) return;
  const admin = await conn.admin();
  await admin.createAcls({ acl: bindings.map(aclEntry) });
}

/**
 * Deletes bindings in one DeleteAcls request, one exact filter per binding (every field set, no ANY), so a
 * filter matches that binding only and nothing another project or person created. Per-filter errors are returned.
 */
export async function deleteAcls(conn: KafkaConnection, bindings: AclBinding[]): Promise<(string | null)[]> {
  if (bindings.length === 0) return [];
  const admin = await conn.admin();
  const res = await admin.deleteAcls({ filters: bindings.map((b) => aclEntry(b) as unknown as AclFilter) });
  return res.filterResponses.map((r) => (r.errorCode === 0 ? null : `${r.errorCode}${r.errorMessage ? `: ${r.errorMessage}` : ''}`));
}
