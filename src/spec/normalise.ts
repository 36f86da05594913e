import { normaliseCluster } from './cluster.js';
import { asMap, asString, type SpecContext } from './context.js';
import { normaliseContainers } from './containers.js';
import { checkTopicConfigsForImage } from './kafka-version.js';
import { normaliseSeeds } from './seeds.js';
import { withOwnCredentials } from './security.js';
import { withIncludedTopics } from './include.js';
import { normaliseTopics } from './topics.js';
import type { Spec } from './types.js';

/**
 * Builds the normalised Spec from schema-shaped data, adding the checks a schema cannot express (units, names,
 * references between sections, files). Tolerates ill-typed parts: the schema has reported them already.
 */
export function normaliseSpec(ctx: SpecContext, data: unknown, absFile: string): Spec {
  const root = asMap(data) ?? {};
  const project = asString(root.project, '');
  const containers = normaliseContainers(ctx, root.containers, project);
  const cluster = withOwnCredentials(normaliseCluster(ctx, root.cluster, containers?.kafka != null, root.cluster !== undefined), containers?.kafka?.security ?? null);
  const topics = withIncludedTopics(ctx, normaliseTopics(ctx, root.topics), root.include);
  checkTopicConfigsForImage(ctx, containers?.kafka ?? null, topics);
  const seeds = normaliseSeeds(ctx, root.seed, topics);
  return {
    version: 1,
    project,
    file: absFile,
    cluster,
    topics,
    containers,
    seeds,
    allowDelete: root.allowDelete === true,
  };
}
