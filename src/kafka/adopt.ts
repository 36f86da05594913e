import { ErrorCodes, KafkaformError } from '../errors.js';
import type { TopicAdoptAction } from '../plan/types.js';
import { requestFailed } from './errors.js';
import { ownershipMessage, ownershipRecord, ownershipTombstone, readState, writeState } from './state.js';
import type { Outcomes, TopicExecContext } from './topic-actions.js';
import { fetchTopicIds } from './topic-ids.js';

/**
 * Adopts topics: writes this project's ownership record for each, holding the topic's current ID, in one
 * produce request to the project's state partition. A takeover also tombstones the record in the previous
 * owner's partition. A topic that vanished, or that another project claimed since the plan, is not adopted.
 * Safe to repeat (one record per topic ID).
 */
export async function adoptTopics(actions: TopicAdoptAction[], ctx: TopicExecContext): Promise<Outcomes<TopicAdoptAction>> {
  const project = ctx.spec.project;
  ctx.onProgress?.(`recording ownership of ${actions.length === 1 ? 'topic' : `${actions.length} topics`}`);
  const outcomes: Outcomes<TopicAdoptAction> = new Map();
  try {
    const [state, ids] = await Promise.all([
      readState(ctx.conn, { project, onProgress: ctx.onProgress }),
      fetchTopicIds(ctx.conn, actions.map((a) => a.topic)),
    ]);
    const ownerOf = new Map(state.ownerships.map((o) => [o.topicId, o.project]));
    const adopt: { action: TopicAdoptAction; id: string }[] = [];
    for (const a of actions) {
      const id = ids.get(a.topic);
      const owner = id === undefined ? undefined : ownerOf.get(id);
      if (id === undefined) outcomes.set(a, refused(a.topic, 'it no longer exists'));
      else if (owner !== undefined && owner !== project && owner !== a.from) outcomes.set(a, refused(a.topic, `project ${owner} claimed it since the plan`));
      else adopt.push({ action: a, id });
    }
    await writeState(ctx.conn, project, adopt.map(({ action, id }) => ownershipMessage(ownershipRecord(project, action.topic, id))));
    // The previous owner's record lives in its own partition: forget it there, so no reader sees two owners.
    const byFrom = new Map<string, string[]>();
    for (const { action, id } of adopt) if (action.from !== null && action.from !== project) byFrom.set(action.from, [...(byFrom.get(action.from) ?? []), id]);
    for (const [from, taken] of byFrom) await writeState(ctx.conn, from, taken.map((id) => ownershipTombstone(id)));
    for (const { action } of adopt) outcomes.set(action, null);
  } catch (err) {
    for (const a of actions) if (!outcomes.has(a)) outcomes.set(a, requestFailed('adopt topic', a.topic, err));
  }
  return outcomes;
}

/** A topic.adopt that did not happen: the topic stays as it was, owned or not. */
function refused(topic: string, why: string): KafkaformError {
  return new KafkaformError(ErrorCodes.OWNERSHIP_MISMATCH, `adopt topic "${topic}": not adopted, ${why}`, {
    details: { operation: 'adopt topic', topic },
    hint: 'run plan again to see who owns it now',
  });
}
