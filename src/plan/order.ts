import type { AccessAction } from './access-types.js';
import type {
  Action,
  SeedProduceAction,
  TopicAddPartitionsAction,
  TopicAdoptAction,
  TopicAlterConfigAction,
  TopicCreateAction,
  TopicDeleteAction,
  TopicReassignAction,
} from './types.js';

/** The planner's actions sorted into phases, before ordering. Each phase is ordered by orderActions. */
export interface ActionGroups {
  /** planContainers' output as returned: container.* and cluster.wait in their dependency order. */
  containers: Action[];
  topicCreates: TopicCreateAction[];
  /** Absent in callers that plan no adoption. */
  adopts?: TopicAdoptAction[];
  addPartitions: TopicAddPartitionsAction[];
  alterConfigs: TopicAlterConfigAction[];
  reassigns: TopicReassignAction[];
  /** In desired.seeds order within a topic: entries of one topic are produced in the order the spec lists them. */
  seeds: SeedProduceAction[];
  topicDeletes: TopicDeleteAction[];
  /** ACL and user actions; absent in callers that plan none. */
  access?: AccessAction[];
}

/** The execution order of a plan; the same groups always give the same sequence. */
export function orderActions(g: ActionGroups): Action[] {
  return [
    // 1. Containers first, in planContainers' order: it knows which service waits for which, and where
    //    cluster.wait belongs (after the Kafka nodes; between nodes of a rolling recreate). Removals are held back.
    ...g.containers.filter((a) => a.kind !== 'container.remove'),
    // 2. cluster.wait is part of step 1, so it precedes every topic action: the admin API needs a ready cluster.
    // 3. Topic creates: seeds and later steps may refer to the new topics.
    ...byTopic(g.topicCreates),
    // 3b. Adoptions before any change to existing topics: a topic is recorded as ours before we alter it.
    ...byTopic(g.adopts ?? []),
    // 4. Partition increases before replication changes, so the reassignment also covers the new partitions.
    ...byTopic(g.addPartitions),
    // 5. Config changes: cheap and independent of placement; done before the slow reassignments.
    ...byTopic(g.alterConfigs),
    // 6. Replication changes last among topic changes: they move data and apply waits for them to finish.
    ...byTopic(g.reassigns),
    // 6b. Users before ACLs, and both after topic creates: a binding may name a new topic, and a user's
    //     first connection should find its permissions in place.
    ...ofKinds(g.access, 'user.create'),
    ...ofKinds(g.access, 'user.update'),
    ...ofKinds(g.access, 'acl.create'),
    // 7. Seeds after every topic change: a seed for a topic being created comes after its create,
    //    and messages land on the final partition count.
    ...byTopic(g.seeds),
    // 8. Topic deletes after everything that could still fail: destructive steps go last.
    ...byTopic(g.topicDeletes),
    // 8b. ACL and user deletes with the other destructive steps; bindings before the users they name.
    ...ofKinds(g.access, 'acl.delete'),
    ...ofKinds(g.access, 'user.delete'),
    // 9. Container removals at the very end: nothing planned above may need a container that goes away.
    ...g.containers.filter((a) => a.kind === 'container.remove'),
  ];
}

/** Stable sort by topic name: deterministic across runs, keeps the given order within one topic. */
function byTopic<T extends { topic: string }>(actions: T[]): T[] {
  return [...actions].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}

/** The access actions of the given kinds, in the planner's (already sorted) order. */
function ofKinds(actions: AccessAction[] | undefined, ...kinds: AccessAction['kind'][]): AccessAction[] {
  return (actions ?? []).filter((a) => kinds.includes(a.kind));
}
