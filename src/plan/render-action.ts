import { formatBytes, plural } from '../words.js';
import { describeAccessAction } from './render-access.js';
import type { ConfigSource } from './observed.js';
import type { Action, ConfigChange } from './types.js';

/** Terraform-like change symbols: + create, ~ change in place, - delete, ± replace, ⇢ adopt, · a step that changes nothing. */
export type ChangeSymbol = '+' | '~' | '-' | '±' | '⇢' | '·';

/** One display line of an action: its symbol and text, uncoloured. */
export interface ActionLine {
  symbol: ChangeSymbol;
  text: string;
}

/** How an action reads in plans and reports: one line per change, old → new; never a secret value. */
export function describeAction(a: Action): ActionLine[] {
  switch (a.kind) {
    case 'container.create':
      return [{ symbol: '+', text: `container ${a.name} (${a.image}${a.pull ? ', pulls the image' : ''})` }];
    case 'container.start':
      return [{ symbol: '~', text: `container ${a.name}: start (${a.reason})` }];
    case 'container.recreate': {
      const what = a.changes.length ? a.changes.join(', ') : a.reason;
      return [{ symbol: '±', text: `container ${a.name} (${what}${a.pull ? '; pulls the image' : ''})` }];
    }
    case 'container.remove': {
      const volumes = a.volumes.length ? ` and volume${a.volumes.length === 1 ? '' : 's'} ${a.volumes.join(', ')}` : '';
      return [{ symbol: '-', text: `container ${a.name}${volumes} (${a.reason})` }];
    }
    case 'cluster.wait':
      return [{ symbol: '·', text: `wait for the cluster: ${plural(a.nodes, 'node')} at ${a.bootstrapServers.join(', ')}` }];
    case 'topic.create': {
      const parts = [
        `partitions: ${a.partitions ?? 'broker default'}`,
        `replicationFactor: ${a.replicationFactor ?? 'broker default'}`,
        ...Object.entries(a.config).map(([k, v]) => `${k}=${v}`),
      ];
      return [{ symbol: '+', text: `topic ${a.topic} (${parts.join(', ')})` }];
    }
    case 'topic.addPartitions':
      return [{ symbol: '~', text: `topic ${a.topic}: partitions ${a.from} → ${a.to}` }];
    case 'topic.alterConfig':
      return a.changes.map((c) => ({ symbol: '~', text: `topic ${a.topic}: ${c.op === 'pin' ? '' : 'config '}${describeConfigChange(c)}` }));
    case 'topic.reassign': {
      const rf = a.from === a.to ? `replicationFactor made uniform at ${a.to}` : `replicationFactor ${a.from} → ${a.to}`;
      const moves = a.moveBytes !== undefined ? `, copies ${formatBytes(a.moveBytes)}, throttled` : '';
      return [{ symbol: '±', text: `topic ${a.topic}: ${rf} (reassign ${plural(a.assignments.length, 'partition')}${moves})` }];
    }
    case 'topic.delete':
      return [{ symbol: '-', text: `topic ${a.topic} (${a.reason})` }];
    case 'topic.adopt':
      return [{ symbol: '⇢', text: `adopt topic ${a.topic} (${a.reason})` }];
    case 'seed.produce':
      return [{ symbol: '+', text: `seed ${a.topic}: ${plural(a.count, 'message')} (${seedOrigin(a)})` }];
    default:
      return describeAccessAction(a);
  }
}

/** Extra lines for verbose output: the reason, and a reassignment's target replicas. */
export function describeDetails(a: Action): string[] {
  const out = [`why: ${a.reason}`];
  if (a.kind === 'topic.reassign') {
    for (const p of a.assignments) out.push(`partition ${p.partition}: replicas ${p.replicas.join(', ')}`);
  }
  if (a.kind === 'seed.produce') out.push(`entry: ${a.entryId}`);
  return out;
}

/**
 * "retention.ms 86400000 → 604800000 (topic override)", "pin retention.ms 604800000 (now inherited from the
 * broker default)" or "unset cleanup.policy (was compact, topic override)".
 */
function describeConfigChange(c: ConfigChange): string {
  const from = c.from ?? (c.source === 'topic' ? '(hidden)' : '(none)');
  if (c.op === 'unset') return `unset ${c.key} (was ${from}, ${sourceLabel(c.source)})`;
  if (c.op === 'pin') return `pin ${c.key} ${c.to ?? '(none)'} (now inherited from the ${sourceLabel(c.source)})`;
  return `${c.key} ${from} → ${c.to ?? '(none)'} (${sourceLabel(c.source)})`;
}

/** Where a config value comes from, in words. */
export function sourceLabel(source: ConfigSource): string {
  switch (source) {
    case 'topic':
      return 'topic override';
    case 'broker':
      return 'broker config';
    case 'default':
      return 'broker default';
    case 'other':
      return 'other source';
  }
}

/** Where seed messages come from: the file path, or the entry id for inline and generated entries (several per topic). */
function seedOrigin(a: { source: string; entryId: string }): string {
  return a.entryId.startsWith('file:') ? a.source : a.entryId;
}
