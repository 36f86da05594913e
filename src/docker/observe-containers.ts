import type Docker from 'dockerode';
import { ErrorCodes } from '../errors.js';
import type { ObservedContainer, ObservedDocker, ObservedEngine } from '../plan/observed.js';
import type { Spec } from '../spec/types.js';
import { dockerError } from './client.js';
import { desiredNames, LABELS } from '../plan/desired-containers.js';
import { imagePresent } from './images.js';

/** Engine facts: Docker Desktop (from info.OperatingSystem), OS and API version. Two API calls. */
export async function observeEngine(docker: Docker): Promise<ObservedEngine> {
  try {
    const [info, version] = await Promise.all([docker.info() as Promise<{ OperatingSystem?: string }>, docker.version()]);
    const os = info.OperatingSystem ?? '';
    return { desktop: /docker desktop/i.test(os), os, apiVersion: version.ApiVersion };
  } catch (err) {
    throw dockerError(docker, err, 'ask the Docker engine for its version', ErrorCodes.DOCKER_UNREACHABLE);
  }
}

/**
 * What Docker holds for this spec: the project's labelled containers (all states), any container holding a
 * name the spec needs, the project's labelled volumes and networks, and which of the spec's images exist.
 * A constant number of API calls: label-filtered lists, plus one image inspect per distinct image.
 */
export async function observeDocker(docker: Docker, spec: Spec): Promise<ObservedDocker> {
  const label = `${LABELS.project}=${spec.project}`;
  const names = desiredNames(spec);
  const images = [...new Set([...(spec.containers?.kafka ? [spec.containers.kafka.image] : []), ...(spec.containers?.services ?? []).map((s) => s.image)])].sort();
  try {
    const [engine, labelled, named, volumes, networks, present] = await Promise.all([
      observeEngine(docker),
      docker.listContainers({ all: true, filters: { label: [label] } }),
      // Docker's name filter matches substrings; exact names are picked out below.
      names.length > 0 ? docker.listContainers({ all: true, filters: { name: names.map((n) => `^/${escapeRegExp(n)}$`) } }) : Promise.resolve([]),
      docker.listVolumes({ filters: { label: [label] } }),
      docker.listNetworks({ filters: { label: [label] } }),
      Promise.all(images.map(async (image) => ((await imagePresent(docker, image)) ? image : null))),
    ]);
    const wanted = new Set(names);
    const byId = new Map<string, ObservedContainer>();
    for (const c of [...labelled, ...named]) {
      const name = (c.Names[0] ?? '').replace(/^\//, '');
      const labels = c.Labels ?? {};
      if (labels[LABELS.project] !== spec.project && !wanted.has(name)) continue;
      byId.set(c.Id, {
        name,
        id: c.Id,
        state: c.State,
        image: c.Image,
        labels,
        configHash: labels[LABELS.configHash] ?? null,
        project: labels[LABELS.project] ?? null,
      });
    }
    return {
      engine,
      containers: [...byId.values()].sort((a, b) => a.name.localeCompare(b.name)),
      volumes: (volumes.Volumes ?? []).map((v) => v.Name).sort(),
      networks: networks.map((n) => n.Name).sort(),
      images: present.filter((i): i is string => i !== null),
    };
  } catch (err) {
    throw dockerError(docker, err, 'observe Docker', ErrorCodes.DOCKER_UNREACHABLE);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
