import { describeBinding } from './acl-binding.js';
import type { AccessAction, ScramMechanismId } from './access-types.js';

/** One display line (render-action.ts's ActionLine, spelled here so the two modules do not import each other). */
interface ActionLine {
  symbol: '+' | '~' | '-';
  text: string;
}

/** How an ACL or user action reads in plans: "+ acl …", "- acl …", "+ user …"; never a password. */
export function describeAccessAction(a: AccessAction): ActionLine[] {
  switch (a.kind) {
    case 'acl.create':
      return [{ symbol: '+', text: `acl ${describeBinding(a.binding)}` }];
    case 'acl.delete':
      return [{ symbol: '-', text: `acl ${describeBinding(a.binding)} (${a.reason})` }];
    case 'user.create':
      return [{ symbol: '+', text: `user ${a.user} (${mechanismLabel(a.mechanism)}, ${a.iterations} iterations)` }];
    case 'user.update': {
      const parts: string[] = [];
      if (a.fromIterations !== a.iterations) parts.push(`iterations ${a.fromIterations} → ${a.iterations}`);
      if (a.rotate) parts.push('password rotated');
      else parts.push('password set again');
      return [{ symbol: '~', text: `user ${a.user} (${mechanismLabel(a.mechanism)}): ${parts.join(', ')}` }];
    }
    case 'user.delete':
      return [{ symbol: '-', text: `user ${a.user} (${a.mechanisms.map(mechanismLabel).join(', ')}; ${a.reason})` }];
  }
}

/** "SCRAM-SHA-512", as Kafka spells the mechanism. */
export function mechanismLabel(m: ScramMechanismId): string {
  return m.toUpperCase();
}
