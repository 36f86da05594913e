import type Docker from 'dockerode';
import { ErrorCodes, KafkaformError } from '../errors.js';
import { dockerError, statusOf } from './client.js';
import { LABELS, type DesiredNetwork, type DesiredVolume } from '../plan/desired-containers.js';

// Networks and volumes around containers: created labelled when missing, removed only when ours.

/** Inspects a container by name; null when there is none. */
export async function inspectContainer(docker: Docker, name: string): Promise<Docker.ContainerInspectInfo | null> {
  try {
    return await docker.getContainer(name).inspect();
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw dockerError(docker, err, `inspect container ${name}`);
  }
}

/** Creates the network when missing; returns true when this call created it. Refuses a same-named foreign one. */
export async function ensureNetwork(docker: Docker, project: string, network: DesiredNetwork): Promise<boolean> {
  try {
    const info = (await docker.getNetwork(network.name).inspect()) as { Labels?: Record<string, string> | null };
    if (info.Labels?.[LABELS.project] !== project) {
      throw new KafkaformError(ErrorCodes.CONTAINER_FAILED, `a network named ${network.name} exists and does not belong to project ${project}`, {
        hint: `remove it (docker network rm ${network.name}) or change the project name`,
      });
    }
    return false;
  } catch (err) {
    if (err instanceof KafkaformError) throw err;
    if (statusOf(err) !== 404) throw dockerError(docker, err, `inspect network ${network.name}`);
  }
  try {
    await docker.createNetwork({ Name: network.name, Driver: 'bridge', CheckDuplicate: true, Labels: network.labels });
    return true;
  } catch (err) {
    throw dockerError(docker, err, `create network ${network.name}`);
  }
}

/** Creates the volumes that are missing (an existing one is reused as is); returns the names it created. */
export async function ensureVolumes(docker: Docker, volumes: DesiredVolume[]): Promise<string[]> {
  const created: string[] = [];
  for (const v of volumes) {
    try {
      await docker.getVolume(v.name).inspect();
      continue;
    } catch (err) {
      if (statusOf(err) !== 404) throw dockerError(docker, err, `inspect volume ${v.name}`);
    }
    try {
      await docker.createVolume({ Name: v.name, Labels: v.labels });
      created.push(v.name);
    } catch (err) {
      throw dockerError(docker, err, `create volume ${v.name}`);
    }
  }
  return created;
}

/** Removes volumes; an absent one is fine (repeatable), one still in use is an error. */
export async function removeVolumes(docker: Docker, names: string[]): Promise<void> {
  for (const name of names) {
    try {
      await docker.getVolume(name).remove();
    } catch (err) {
      if (statusOf(err) !== 404) throw dockerError(docker, err, `remove volume ${name}`);
    }
  }
}

/** Removes the project's networks that no container uses any more (Docker refuses the others anyway). */
export async function removeIdleNetworks(docker: Docker, project: string): Promise<void> {
  let networks: Docker.NetworkInspectInfo[];
  try {
    networks = await docker.listNetworks({ filters: { label: [`${LABELS.project}=${project}`] } });
  } catch (err) {
    throw dockerError(docker, err, 'list networks');
  }
  for (const n of networks) {
    const network = docker.getNetwork(n.Id);
    try {
      const info = (await network.inspect()) as { Containers?: Record<string, unknown> | null };
      if (Object.keys(info.Containers ?? {}).length === 0) await network.remove();
    } catch (err) {
      if (statusOf(err) !== 404) throw dockerError(docker, err, `remove network ${n.Name}`);
    }
  }
}

/** Stops (gracefully, up to `seconds`) and removes a container; absent is fine. Anonymous volumes go, named ones stay. */
export async function stopAndRemove(docker: Docker, name: string, seconds: number | null): Promise<void> {
  const container = docker.getContainer(name);
  if (seconds !== null) {
    try {
      await container.stop({ t: seconds });
    } catch (err) {
      // 304: already stopped; 404: already gone.
      if (statusOf(err) !== 304 && statusOf(err) !== 404) throw dockerError(docker, err, `stop container ${name}`);
    }
  }
  try {
    await container.remove({ force: true, v: true });
  } catch (err) {
    if (statusOf(err) !== 404) throw dockerError(docker, err, `remove container ${name}`);
  }
}
