import type { TopicAdoptAction } from '../plan/types.js';
import { ownershipMessage, ownershipRecord, writeState } from './state.js';
import type { Outcomes, TopicExecContext } from './topic-actions.js';

/**
 * Adopts topics: writes this project's ownership record for each, in one produce request, through the same
 * path a create uses. Safe to repeat (the last record per key wins).
 */
export async function adoptTopics(actions: TopicAdoptAction[], ctx: TopicExecContext): Promise<Outcomes<TopicAdoptAction>> {
  ctx.onProgress?.(`recording ownership of ${actions.length === 1 ? 'topic' : `${actions.length} topics`}`);
  await writeState(ctx.conn, actions.map((a) => ownershipMessage(ownershipRecord(ctx.spec.project, a.topic))));
  return new Map(actions.map((a) => [a, null]));
}
