import {
  ACL_OPERATIONS,
  aclKey,
  CLUSTER_RESOURCE_NAME,
  describeBinding,
  OPERATIONS_BY_RESOURCE,
  type AclOperation,
  type AclResourceType,
} from '../plan/acl-binding.js';
import { asInt, asList, asMap, asString, interpolateAt, orderedEntries, type SpecContext } from './context.js';
import { quote } from './text.js';
import type { AclSpec, ScramMechanism, UserSpec } from './types.js';

/** Default SCRAM iteration count (Kafka accepts 4096 to 16384). */
export const DEFAULT_SCRAM_ITERATIONS = 8192;

/** Default SCRAM mechanism. */
export const DEFAULT_SCRAM_MECHANISM: ScramMechanism = 'scram-sha-512';

/**
 * Normalises `acls:`: each entry becomes one binding per listed operation. Checks what the schema cannot: an
 * operation the resource type does not have, a cluster entry with a name or a prefix, and a binding declared twice.
 */
export function normaliseAcls(ctx: SpecContext, raw: unknown): AclSpec[] {
  const out: AclSpec[] = [];
  const seen = new Map<string, string>();
  asList(raw).forEach((item, i) => {
    const map = asMap(item);
    if (!map) return;
    const path = ['acls', i];
    const resourceType = asString(map.resource, 'topic') as AclResourceType;
    if (!(resourceType in OPERATIONS_BY_RESOURCE)) return;
    const pattern = map.pattern === 'prefixed' ? 'prefixed' : 'literal';
    let name = asString(map.name, '');
    if (resourceType === 'cluster') {
      if (map.name !== undefined && name !== CLUSTER_RESOURCE_NAME) {
        ctx.problems.add([...path, 'name'], `the cluster resource has no name other than ${CLUSTER_RESOURCE_NAME}, got ${quote(name)}`, 'leave name out for resource: cluster');
      }
      if (pattern === 'prefixed') ctx.problems.add([...path, 'pattern'], 'the cluster resource takes no prefixed pattern', 'leave pattern out for resource: cluster');
      name = CLUSTER_RESOURCE_NAME;
    } else if (map.name === undefined) {
      ctx.problems.add([...path, 'name'], `missing required key "name" in acls[${i}]: a ${resourceType} ACL names its resource`, `add name: the ${resourceType} (or prefix with pattern: prefixed; "*" for every ${resourceType})`, 'key');
      return;
    }
    const allowed = OPERATIONS_BY_RESOURCE[resourceType];
    asList(map.operations).forEach((op, j) => {
      if (typeof op !== 'string' || !(ACL_OPERATIONS as readonly string[]).includes(op)) return;
      const opPath = [...path, 'operations', j];
      if (!allowed.includes(op as AclOperation)) {
        ctx.problems.add(opPath, `operation ${quote(op)} does not apply to resource type ${resourceType}`, `use one of ${allowed.join(', ')}`);
        return;
      }
      const binding: AclSpec = {
        resourceType,
        name,
        pattern,
        principal: asString(map.principal, ''),
        host: asString(map.host, '*'),
        operation: op as AclOperation,
        permission: map.permission === 'deny' ? 'deny' : 'allow',
        pos: ctx.source.pos(opPath, 'value'),
      };
      const key = aclKey(binding);
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.problems.add(opPath, `ACL ${describeBinding(binding)} is declared twice (first in ${first})`, 'declare each binding once');
        return;
      }
      seen.set(key, `acls[${i}]`);
      out.push(binding);
    });
  });
  return out;
}

/** Normalises `users:` (a mapping by user name); passwords resolve ${VAR} here and are never quoted in problems. */
export function normaliseUsers(ctx: SpecContext, raw: unknown): UserSpec[] {
  const map = asMap(raw);
  if (!map) return [];
  const out: UserSpec[] = [];
  for (const [name, value] of orderedEntries(ctx, ['users'], map)) {
    const u = asMap(value);
    if (!u) continue;
    const path = ['users', name];
    const before = ctx.problems.size;
    const password = interpolateAt(ctx, [...path, 'password'], asString(u.password, ''), true);
    if (typeof u.password === 'string' && password === '' && ctx.problems.size === before) {
      ctx.problems.add([...path, 'password'], 'the password is empty', 'set it from the environment, e.g. password: ${ALICE_PASSWORD}');
    }
    const rotate = u.rotate === undefined || u.rotate === null ? null : String(u.rotate);
    out.push({
      name,
      mechanism: u.mechanism === 'scram-sha-256' ? 'scram-sha-256' : DEFAULT_SCRAM_MECHANISM,
      iterations: asInt(u.iterations, DEFAULT_SCRAM_ITERATIONS),
      password,
      rotate,
      pos: ctx.source.pos(path, 'key'),
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
