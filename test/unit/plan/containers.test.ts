import { describe, expect, it } from 'vitest';
import { hashOf } from '../../../src/plan/container-fingerprint.js';
import { desiredContainers, LABELS, type DesiredContainer } from '../../../src/plan/desired-containers.js';
import { planContainers } from '../../../src/plan/containers.js';
import type { PlanOptions } from '../../../src/plan/desired.js';
import type { ObservedContainer, ObservedDocker } from '../../../src/plan/observed.js';
import type { Action } from '../../../src/plan/types.js';
import type { Spec } from '../../../src/spec/types.js';
import { dockerWith, kafkaSpec, LINUX, observedContainer, serviceSpec, specWith } from './container-spec-builder.js';

const OPTS: PlanOptions = { allowDelete: false, reseed: false, destroy: false, removeVolumes: false };

function plan(spec: Spec, docker: ObservedDocker | null, opts: Partial<PlanOptions> = {}) {
  return planContainers({ spec, seeds: [] }, { cluster: null, docker }, { ...OPTS, ...opts });
}

/** The observed form of a desired container, as if created from it. */
function existing(d: DesiredContainer, state = 'running'): ObservedContainer {
  return observedContainer(d.name, d.create.Labels ?? {}, state, d.image);
}

/** Compact view of actions: "kind name". */
function kinds(actions: Action[]): string[] {
  return actions.map((a) => `${a.kind}${'name' in a ? ` ${a.name}` : ''}`);
}

const three = specWith('shop', kafkaSpec({ nodes: 3, port: 39092, controllerPort: 40092 }), [
  serviceSpec('app', { dependsOn: ['kafka', 'db'] }),
  serviceSpec('db', { healthcheck: { test: ['CMD', 'true'], intervalMs: 1000, timeoutMs: 1000, retries: 3, startPeriodMs: 0 } }),
]);
const desired3 = desiredContainers(three, LINUX);
const allRunning = (): ObservedContainer[] => desired3.map((d) => existing(d));

describe('planContainers', () => {
  it('shows what the container model noticed as notes at the service, which neither block nor count as changes', () => {
    const web = serviceSpec('web', { ports: [{ host: 8080, container: 80, protocol: 'tcp', hostIp: '127.0.0.1' }] });
    const spec = specWith('shop', null, [web]);
    const d = desiredContainers(spec, LINUX)[0]!;
    const { actions, diagnostics } = plan(spec, dockerWith({ containers: [existing(d)], images: [d.image] }));
    expect(actions).toEqual([]);
    expect(diagnostics).toEqual([
      { code: 'P023', severity: 'note', message: "ports of web are ignored on host networking: the container's ports are the host's", at: web.pos, subject: 'shop-web' },
    ]);
  });


  it('is empty without a containers section or without Docker observed', () => {
    expect(plan(specWith('shop', null, [], { containers: null }), dockerWith())).toEqual({ actions: [], diagnostics: [] });
    expect(plan(three, null)).toEqual({ actions: [], diagnostics: [] });
  });

  it('creates everything in dependency order, with cluster.wait after the last Kafka node', () => {
    const { actions, diagnostics } = plan(three, dockerWith({ images: [] }));
    expect(diagnostics).toEqual([]);
    expect(kinds(actions)).toEqual([
      'container.create shop-kafka-1',
      'container.create shop-kafka-2',
      'container.create shop-kafka-3',
      'cluster.wait',
      'container.create shop-db',
      'container.create shop-app',
    ]);
    expect(actions[0]).toEqual({
      kind: 'container.create',
      name: 'shop-kafka-1',
      role: 'kafka',
      image: 'apache/kafka:4.1.1',
      configHash: desired3[0]!.configHash,
      pull: true,
      reason: 'not found',
    });
    expect(actions[3]).toEqual({
      kind: 'cluster.wait',
      bootstrapServers: ['127.0.0.1:39092', '127.0.0.1:39093', '127.0.0.1:39094'],
      nodes: 3,
      reason: '3 Kafka nodes (re)started',
    });
  });

  it('pulls only absent images', () => {
    const { actions } = plan(three, dockerWith());
    expect(actions.filter((a) => a.kind === 'container.create').every((a) => a.kind === 'container.create' && !a.pull)).toBe(true);
  });

  it('is empty when everything runs with the current config', () => {
    expect(plan(three, dockerWith({ containers: allRunning() }))).toEqual({ actions: [], diagnostics: [] });
  });

  it('starts stopped containers and waits for the cluster when a node was stopped', () => {
    const containers = allRunning().map((c) => (c.name === 'shop-kafka-2' || c.name === 'shop-db' ? { ...c, state: 'exited' } : c));
    const { actions } = plan(three, dockerWith({ containers }));
    expect(actions).toEqual([
      { kind: 'container.start', name: 'shop-kafka-2', role: 'kafka', reason: 'stopped' },
      { kind: 'cluster.wait', bootstrapServers: ['127.0.0.1:39092', '127.0.0.1:39093', '127.0.0.1:39094'], nodes: 3, reason: '1 Kafka node (re)started' },
      { kind: 'container.start', name: 'shop-db', role: 'service', reason: 'stopped' },
    ]);
  });

  it('does not wait for the cluster when only a service changes', () => {
    const containers = allRunning().filter((c) => c.name !== 'shop-app');
    expect(kinds(plan(three, dockerWith({ containers })).actions)).toEqual(['container.create shop-app']);
  });

  it('recreates every Kafka node in node order on a property change, naming what changed', () => {
    const changed = specWith('shop', kafkaSpec({ nodes: 3, port: 39092, controllerPort: 40092, properties: { 'log.retention.ms': '1000' } }), three.containers!.services);
    const { actions } = plan(changed, dockerWith({ containers: allRunning() }));
    expect(kinds(actions)).toEqual(['container.recreate shop-kafka-1', 'container.recreate shop-kafka-2', 'container.recreate shop-kafka-3', 'cluster.wait']);
    const first = actions[0]!;
    expect(first).toMatchObject({
      kind: 'container.recreate',
      role: 'kafka',
      fromHash: desired3[0]!.configHash,
      configHash: desiredContainers(changed, LINUX)[0]!.configHash,
      pull: false,
      changes: ['property log.retention.ms'],
      reason: 'configuration changed',
    });
  });

  it('names image, heap, command and env changes; secrets never appear', () => {
    const before = specWith('p', kafkaSpec(), [serviceSpec('s', { env: { TOKEN: 'old-secret' } })]);
    const after = specWith('p', kafkaSpec({ image: 'apache/kafka:4.0.0', heap: '384m' }), [
      serviceSpec('s', { env: { TOKEN: 'new-secret' }, command: ['sleep', '5'] }),
    ]);
    const observed = desiredContainers(before, LINUX).map((d) => existing(d));
    const { actions } = plan(after, dockerWith({ containers: observed }));
    const recreates = actions.filter((a) => a.kind === 'container.recreate');
    expect(recreates.map((a) => a.kind === 'container.recreate' && a.changes)).toEqual([
      ['heap', 'image'],
      ['command', 'env TOKEN'],
    ]);
    expect(recreates[0]).toMatchObject({ pull: true });
    expect(JSON.stringify(actions)).not.toMatch(/secret/);
  });

  it('falls back to the hashes when a container has no fingerprint label', () => {
    const d = desiredContainers(specWith('p', kafkaSpec()), LINUX)[0]!;
    const labels = { [LABELS.project]: 'p', [LABELS.role]: 'kafka', [LABELS.configHash]: 'abcdef0123456789' };
    const { actions } = plan(specWith('p', kafkaSpec()), dockerWith({ containers: [observedContainer(d.name, labels)] }));
    expect(actions[0]).toMatchObject({ kind: 'container.recreate', changes: [`configuration changed (hash abcdef012345 → ${d.configHash.slice(0, 12)})`] });
  });

  it('keeps a Kafka node an earlier release made without the first-use topic sizes, and recreates it for any other change', () => {
    const spec = specWith('p', kafkaSpec());
    const d = desiredContainers(spec, LINUX)[0]!;
    const { [LABELS.configHash]: _hash, [LABELS.config]: _print, ...base } = d.create.Labels!;
    const firstUse = /^KAFKA_(OFFSETS_TOPIC|TRANSACTION_STATE_LOG)_NUM_PARTITIONS=/;
    const earlier = { ...d.create, Labels: base, Env: d.create.Env!.filter((e) => !firstUse.test(e)) };
    expect(earlier.Env).toHaveLength(d.create.Env!.length - 2);
    const made = (create: object, state = 'running'): ObservedContainer => observedContainer(d.name, { ...base, [LABELS.configHash]: hashOf(create) }, state, d.image);
    expect(plan(spec, dockerWith({ containers: [made(earlier)], images: [d.image] })).actions).toEqual([]);
    expect(kinds(plan(spec, dockerWith({ containers: [made(earlier, 'exited')], images: [d.image] })).actions)).toEqual(['container.start p-kafka-1', 'cluster.wait']);
    const otherwise = { ...earlier, Env: [...earlier.Env, 'KAFKA_NUM_PARTITIONS=3'] };
    expect(kinds(plan(spec, dockerWith({ containers: [made(otherwise)], images: [d.image] })).actions)).toEqual(['container.recreate p-kafka-1', 'cluster.wait']);
    // A spec that sets the sizes itself has one current form only.
    const own = specWith('p', kafkaSpec({ properties: { 'transaction.state.log.num.partitions': '7' } }));
    const ownNode = desiredContainers(own, LINUX)[0]!;
    expect(ownNode.create.Env).toContain('KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS=7');
    expect(ownNode.sameAs).toHaveLength(1);
    expect(kinds(plan(own, dockerWith({ containers: [made(earlier)], images: [d.image] })).actions)).toEqual(['container.recreate p-kafka-1', 'cluster.wait']);
  });

  it('recreates a paused or dead container even with the current config', () => {
    const d = desiredContainers(specWith('p', kafkaSpec()), LINUX)[0]!;
    const { actions } = plan(specWith('p', kafkaSpec()), dockerWith({ containers: [existing(d, 'dead')] }));
    expect(actions[0]).toMatchObject({ kind: 'container.recreate', changes: ['state dead'], reason: 'container is dead' });
  });

  it('reports a foreign container holding a needed name as an error and plans nothing for it', () => {
    const foreign = observedContainer('shop-db', { other: 'label' });
    const { actions, diagnostics } = plan(three, dockerWith({ containers: [...allRunning().filter((c) => c.name !== 'shop-db'), foreign] }));
    expect(actions).toEqual([]);
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'P009', severity: 'error', subject: 'shop-db', message: expect.stringContaining('does not belong to project shop') }),
    ]);
    const otherProject = observedContainer('shop-db', { [LABELS.project]: 'other' });
    expect(plan(three, dockerWith({ containers: [otherProject] })).diagnostics.map((d) => d.code)).toEqual(['P009']);
  });

  describe('undeclared project containers', () => {
    const old = observedContainer('shop-old', { [LABELS.project]: 'shop', [LABELS.role]: 'service', [LABELS.volumes]: 'shop-cache' });
    const docker = () => dockerWith({ containers: [...allRunning(), old], volumes: ['shop-cache', 'shop-kafka-1-data'] });

    it('warns and keeps them without opt-in', () => {
      const { actions, diagnostics } = plan(three, docker());
      expect(actions).toEqual([]);
      expect(diagnostics).toEqual([expect.objectContaining({ code: 'P008', severity: 'warning', subject: 'shop-old' })]);
    });

    it('removes them (before creates) with --allow-delete, volumes only with removeVolumes', () => {
      const spec = specWith('shop', three.containers!.kafka, [...three.containers!.services, serviceSpec('new')]);
      const { actions, diagnostics } = plan(spec, docker(), { allowDelete: true });
      expect(diagnostics).toEqual([]);
      expect(actions).toEqual([
        { kind: 'container.remove', name: 'shop-old', role: 'service', volumes: [], reason: 'no longer declared in the spec' },
        expect.objectContaining({ kind: 'container.create', name: 'shop-new' }),
      ]);
      expect(plan(three, docker(), { allowDelete: true, removeVolumes: true }).actions[0]).toMatchObject({ volumes: ['shop-cache'] });
    });

    it('honours the spec-level allowDelete', () => {
      expect(kinds(plan({ ...three, allowDelete: true }, docker()).actions)).toEqual(['container.remove shop-old']);
    });

    it('removes surplus Kafka nodes highest first when nodes shrink', () => {
      const one = specWith('shop', kafkaSpec({ nodes: 1, port: 39092, controllerPort: 40092 }));
      const containers = desired3.filter((d) => d.role === 'kafka').map((d) => existing(d));
      const { actions } = plan(one, dockerWith({ containers }), { allowDelete: true });
      expect(kinds(actions)).toEqual(['container.remove shop-kafka-3', 'container.remove shop-kafka-2', 'container.recreate shop-kafka-1', 'cluster.wait']);
      expect(actions.find((a) => a.kind === 'cluster.wait')).toMatchObject({ nodes: 1, bootstrapServers: ['127.0.0.1:39092'] });
    });
  });

  describe('destroy', () => {
    const unrelated = observedContainer('bystander', {});
    const stray = observedContainer('shop-stray', { [LABELS.project]: 'shop', [LABELS.role]: 'service' });
    const docker = () =>
      dockerWith({
        containers: [...allRunning(), unrelated, stray],
        volumes: ['shop-kafka-1-data', 'shop-kafka-2-data', 'shop-kafka-3-data', 'shop-orphan'],
      });

    it('removes every project container in reverse dependency order and leaves others alone', () => {
      const { actions, diagnostics } = plan(three, docker(), { destroy: true });
      expect(diagnostics).toEqual([]);
      expect(kinds(actions)).toEqual([
        'container.remove shop-stray',
        'container.remove shop-app',
        'container.remove shop-db',
        'container.remove shop-kafka-3',
        'container.remove shop-kafka-2',
        'container.remove shop-kafka-1',
      ]);
      expect(actions.every((a) => a.kind === 'container.remove' && a.volumes.length === 0 && a.reason === 'destroy')).toBe(true);
    });

    it('removes volumes, including left-over ones, only with removeVolumes', () => {
      const { actions } = plan(three, docker(), { destroy: true, removeVolumes: true });
      const byName = Object.fromEntries(actions.map((a) => [a.kind === 'container.remove' ? a.name : '', a.kind === 'container.remove' ? a.volumes : []]));
      expect(byName['shop-kafka-2']).toEqual(['shop-kafka-2-data']);
      expect(byName['shop-orphan']).toEqual(['shop-orphan']);
      expect(actions.at(-1)).toMatchObject({ name: 'shop-orphan', reason: 'destroy: volume left behind' });
    });

    it('carries the volume of an already removed Kafka node on a remove of that node', () => {
      const { actions } = plan(three, dockerWith({ volumes: ['shop-kafka-2-data'] }), { destroy: true, removeVolumes: true });
      expect(actions).toEqual([{ kind: 'container.remove', name: 'shop-kafka-2', role: 'kafka', volumes: ['shop-kafka-2-data'], reason: 'destroy: volume left behind' }]);
    });

    it('is empty when nothing of the project exists', () => {
      expect(plan(three, dockerWith({ containers: [unrelated] }), { destroy: true, removeVolumes: true }).actions).toEqual([]);
    });
  });
});
