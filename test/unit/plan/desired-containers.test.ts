import { describe, expect, it } from 'vitest';
import { canonicalJson, hashOf } from '../../../src/plan/container-fingerprint.js';
import {
  bootstrapServers,
  desiredContainers,
  desiredNames,
  desiredNetwork,
  desiredVolumes,
  kafkaVolumeName,
  kafkaVolumeNode,
  LABELS,
  type DesiredContainer,
} from '../../../src/plan/desired-containers.js';
import { envProperty, propertyEnvName } from '../../../src/plan/kafka-node-config.js';
import { DESKTOP, LINUX, kafkaSpec, serviceSpec, specWith } from './container-spec-builder.js';

/** Env of a desired container as a map. */
function env(d: DesiredContainer): Record<string, string> {
  return Object.fromEntries((d.create.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

describe('property ⇄ env names (the image contract)', () => {
  it.each([
    ['node.id', 'KAFKA_NODE_ID'],
    ['listener.security.protocol.map', 'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP'],
    ['log.retention.ms', 'KAFKA_LOG_RETENTION_MS'],
    ['confluent.some_thing', 'KAFKA_CONFLUENT_SOME__THING'],
    ['a-b.c_d', 'KAFKA_A___B_C__D'],
  ])('%s ⇄ %s', (property, name) => {
    expect(propertyEnvName(property)).toBe(name);
    expect(envProperty(name)).toBe(property);
  });

  it('does not read JVM settings as properties', () => {
    expect(envProperty('KAFKA_HEAP_OPTS')).toBeNull();
    expect(envProperty('CLUSTER_ID')).toBeNull();
  });
});

describe('Kafka nodes on host networking', () => {
  it('configures a single node as broker+controller on 127.0.0.1 with single-replica internal topics', () => {
    const spec = specWith('shop', kafkaSpec({ port: 39092, controllerPort: 40092 }));
    const [node] = desiredContainers(spec, LINUX);
    expect(node!.name).toBe('shop-kafka-1');
    expect(node!.role).toBe('kafka');
    expect(node!.node).toBe(1);
    expect(env(node!)).toEqual({
      CLUSTER_ID: 'MkU3OEVBNTcwNTJENDM2Qk',
      KAFKA_HEAP_OPTS: '-Xmx512m -Xms512m',
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://127.0.0.1:39092,CONTROLLER://127.0.0.1:40092',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:39092',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@127.0.0.1:40092',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_LOG_DIRS: '/var/lib/kafka/data',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '1',
      KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    });
    expect(node!.create.HostConfig?.NetworkMode).toBe('host');
    expect(node!.create.HostConfig?.PortBindings).toBeUndefined();
    expect(node!.create.HostConfig?.RestartPolicy).toEqual({ Name: 'no' });
    expect(node!.create.Image).toBe('apache/kafka:4.1.1');
    expect(node!.network).toBeNull();
    expect(node!.hostPorts).toEqual([
      { port: 39092, hostIp: '127.0.0.1', protocol: 'tcp' },
      { port: 40092, hostIp: '127.0.0.1', protocol: 'tcp' },
    ]);
    expect(bootstrapServers(spec, LINUX)).toEqual(['127.0.0.1:39092']);
  });

  it('gives three nodes their own ports, one voter set, and replicated internal topics', () => {
    const spec = specWith('shop', kafkaSpec({ nodes: 3, port: 39092, controllerPort: 40092, network: 'host' }));
    const nodes = desiredContainers(spec, DESKTOP); // explicit host wins over Desktop's auto → bridge
    expect(nodes.map((n) => n.name)).toEqual(['shop-kafka-1', 'shop-kafka-2', 'shop-kafka-3']);
    const voters = '1@127.0.0.1:40092,2@127.0.0.1:40093,3@127.0.0.1:40094';
    nodes.forEach((n, i) => {
      const e = env(n);
      expect(e.KAFKA_NODE_ID).toBe(String(i + 1));
      expect(e.KAFKA_LISTENERS).toBe(`PLAINTEXT://127.0.0.1:${39092 + i},CONTROLLER://127.0.0.1:${40092 + i}`);
      expect(e.KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://127.0.0.1:${39092 + i}`);
      expect(e.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(voters);
      expect(e.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('3');
      expect(e.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('3');
      expect(e.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).toBe('2');
      expect(e.CLUSTER_ID).toBe('MkU3OEVBNTcwNTJENDM2Qk');
      expect(n.create.HostConfig?.NetworkMode).toBe('host');
    });
    expect(bootstrapServers(spec, DESKTOP)).toEqual(['127.0.0.1:39092', '127.0.0.1:39093', '127.0.0.1:39094']);
  });

  it('lets spec properties override the defaults and sorts env by name', () => {
    const spec = specWith('shop', kafkaSpec({ properties: { 'log.retention.ms': '60000', 'offsets.topic.replication.factor': '1', 'num.partitions': '3' } }));
    const [node] = desiredContainers(spec, LINUX);
    const e = env(node!);
    expect(e.KAFKA_LOG_RETENTION_MS).toBe('60000');
    expect(e.KAFKA_NUM_PARTITIONS).toBe('3');
    expect(e.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
    const names = (node!.create.Env ?? []).map((x) => x.split('=')[0]!);
    expect(names).toEqual([...names].sort());
  });

  it('mounts a labelled named volume per node with persistence volume, and none without', () => {
    const spec = specWith('shop', kafkaSpec({ nodes: 2 }));
    const nodes = desiredContainers(spec, LINUX);
    expect(nodes[1]!.volumes).toEqual(['shop-kafka-2-data']);
    expect(nodes[1]!.create.HostConfig?.Mounts).toEqual([{ Type: 'volume', Source: 'shop-kafka-2-data', Target: '/var/lib/kafka/data', ReadOnly: false }]);
    expect(nodes[1]!.create.Labels?.[LABELS.volumes]).toBe('shop-kafka-2-data');
    const volumes = desiredVolumes(spec, LINUX);
    expect(volumes.map((v) => v.name)).toEqual(['shop-kafka-1-data', 'shop-kafka-2-data']);
    expect(volumes[1]!.labels).toMatchObject({ [LABELS.project]: 'shop', [LABELS.role]: 'kafka', [LABELS.node]: '2' });
    expect(volumes[1]!.labels[LABELS.configHash]).toMatch(/^[0-9a-f]{64}$/);

    const none = desiredContainers(specWith('shop', kafkaSpec({ persistence: 'none' })), LINUX)[0]!;
    expect(none.volumes).toEqual([]);
    expect(none.create.HostConfig?.Mounts).toEqual([]);
    expect(none.create.Labels?.[LABELS.volumes]).toBeUndefined();
  });

  it('labels every container with project, role, node, config hash and a secret-free fingerprint', () => {
    const spec = specWith('shop', kafkaSpec({ properties: { 'sasl.jaas.config': 'password="hunter2"' } }));
    const [node] = desiredContainers(spec, LINUX);
    const labels = node!.create.Labels!;
    expect(labels[LABELS.project]).toBe('shop');
    expect(labels[LABELS.role]).toBe('kafka');
    expect(labels[LABELS.node]).toBe('1');
    expect(labels[LABELS.configHash]).toBe(node!.configHash);
    expect(node!.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(labels[LABELS.config]!)).toEqual(node!.fingerprint);
    expect(labels[LABELS.config]).not.toContain('hunter2');
    expect(Object.keys(node!.fingerprint)).toContain('env KAFKA_SASL_JAAS_CONFIG');
  });
});

describe('volume names', () => {
  it('maps a node to its data volume and back', () => {
    expect(kafkaVolumeName('shop', 2)).toBe('shop-kafka-2-data');
    expect(kafkaVolumeNode('shop', 'shop-kafka-2-data')).toBe(2);
    expect(kafkaVolumeNode('shop', 'shop-kafka-x-data')).toBeNull();
    expect(kafkaVolumeNode('shop', 'shop-cache')).toBeNull();
    expect(kafkaVolumeNode('shop', 'other-kafka-1-data')).toBeNull();
  });
});

describe('Kafka nodes on bridge networking', () => {
  it('uses the project network, aliases, three listeners and a published localhost port (auto on Desktop)', () => {
    const spec = specWith('shop', kafkaSpec({ nodes: 3, port: 29092 }));
    const nodes = desiredContainers(spec, DESKTOP);
    const voters = '1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093';
    nodes.forEach((n, i) => {
      const id = i + 1;
      const e = env(n);
      expect(e.KAFKA_LISTENERS).toBe(`INTERNAL://kafka-${id}:19092,CONTROLLER://kafka-${id}:9093,EXTERNAL://0.0.0.0:9092`);
      expect(e.KAFKA_ADVERTISED_LISTENERS).toBe(`INTERNAL://kafka-${id}:19092,EXTERNAL://localhost:${29092 + i}`);
      expect(e.KAFKA_INTER_BROKER_LISTENER_NAME).toBe('INTERNAL');
      expect(e.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP).toBe('CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT');
      expect(e.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(voters);
      expect(n.create.Hostname).toBe(`kafka-${id}`);
      expect(n.create.HostConfig?.NetworkMode).toBe('shop-kafka');
      expect(n.create.ExposedPorts).toEqual({ '9092/tcp': {} });
      expect(n.create.HostConfig?.PortBindings).toEqual({ '9092/tcp': [{ HostIp: '127.0.0.1', HostPort: String(29092 + i) }] });
      expect(n.create.NetworkingConfig).toEqual({ EndpointsConfig: { 'shop-kafka': { Aliases: [`kafka-${id}`] } } });
      expect(n.network).toBe('shop-kafka');
      expect(n.hostPorts).toEqual([{ port: 29092 + i, hostIp: '127.0.0.1', protocol: 'tcp' }]);
    });
    expect(bootstrapServers(spec, DESKTOP)).toEqual(['localhost:29092', 'localhost:29093', 'localhost:29094']);
    expect(desiredNetwork(spec, DESKTOP)).toEqual({
      name: 'shop-kafka',
      labels: { [LABELS.project]: 'shop', [LABELS.role]: 'network', [LABELS.configHash]: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(desiredNetwork(spec, LINUX)).toBeNull();
  });

  it('configures a single bridge node with a one-voter quorum', () => {
    const [n] = desiredContainers(specWith('one', kafkaSpec({ network: 'bridge' })), LINUX);
    expect(env(n!).KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka-1:9093');
    expect(env(n!).KAFKA_ADVERTISED_LISTENERS).toBe('INTERNAL://kafka-1:19092,EXTERNAL://localhost:9092');
  });
});

describe('services', () => {
  const healthy = serviceSpec('web', {
    image: 'nginx:1',
    env: { B: '2', A: '1' },
    ports: [{ host: 8080, container: 80, protocol: 'tcp', hostIp: '127.0.0.1' }],
    command: ['nginx', '-g', 'daemon off;'],
    entrypoint: ['/docker-entrypoint.sh'],
    volumes: [
      { kind: 'volume', source: 'html', target: '/usr/share/nginx/html', readOnly: true },
      { kind: 'bind', source: '/etc/hosts', target: '/etc/hosts.host', readOnly: false },
    ],
    healthcheck: { test: ['CMD', 'true'], intervalMs: 2000, timeoutMs: 1500, retries: 3, startPeriodMs: 500 },
    dependsOn: ['kafka'],
  });

  it('builds a bridge service: env, command, entrypoint, ports, mounts, health check in nanoseconds', () => {
    const spec = specWith('shop', kafkaSpec({ nodes: 2 }), [healthy]);
    const web = desiredContainers(spec, DESKTOP).find((d) => d.role === 'service')!;
    expect(web.name).toBe('shop-web');
    expect(web.create.Env).toEqual(['A=1', 'B=2']);
    expect(web.create.Cmd).toEqual(['nginx', '-g', 'daemon off;']);
    expect(web.create.Entrypoint).toEqual(['/docker-entrypoint.sh']);
    expect(web.create.Healthcheck).toEqual({ Test: ['CMD', 'true'], Interval: 2_000_000_000, Timeout: 1_500_000_000, Retries: 3, StartPeriod: 500_000_000 });
    expect(web.create.ExposedPorts).toEqual({ '80/tcp': {} });
    expect(web.create.HostConfig?.PortBindings).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
    expect(web.create.HostConfig?.NetworkMode).toBe('shop-kafka');
    expect(web.create.NetworkingConfig).toEqual({ EndpointsConfig: { 'shop-kafka': { Aliases: ['web'] } } });
    expect(web.create.HostConfig?.Mounts).toEqual([
      { Type: 'volume', Source: 'shop-html', Target: '/usr/share/nginx/html', ReadOnly: true },
      { Type: 'bind', Source: '/etc/hosts', Target: '/etc/hosts.host', ReadOnly: false },
    ]);
    expect(web.create.HostConfig?.RestartPolicy).toEqual({ Name: 'no' });
    expect(web.volumes).toEqual(['shop-html']);
    expect(web.dependsOn).toEqual(['shop-kafka-1', 'shop-kafka-2']);
    expect(web.create.Labels).toMatchObject({ [LABELS.project]: 'shop', [LABELS.role]: 'service', [LABELS.volumes]: 'shop-html' });
    expect(web.create.Labels?.[LABELS.node]).toBeUndefined();
    expect(web.hostPorts).toEqual([{ port: 8080, hostIp: '127.0.0.1', protocol: 'tcp' }]);
    expect(desiredVolumes(spec, DESKTOP).find((v) => v.name === 'shop-html')?.labels).toMatchObject({ [LABELS.project]: 'shop', [LABELS.role]: 'service' });
  });

  it('ignores ports on host networking and says so', () => {
    const web = desiredContainers(specWith('shop', null, [healthy]), LINUX)[0]!;
    expect(web.create.HostConfig?.NetworkMode).toBe('host');
    expect(web.create.HostConfig?.PortBindings).toBeUndefined();
    expect(web.create.ExposedPorts).toBeUndefined();
    expect(web.create.NetworkingConfig).toBeUndefined();
    expect(web.hostPorts).toEqual([]);
    expect(web.notes).toEqual(["ports of web are ignored on host networking: the container's ports are the host's"]);
    expect(web.dependsOn).toEqual([]); // no kafka declared: nothing to wait for
  });

  it('orders by dependency: Kafka nodes first, then services after what they depend on', () => {
    const spec = specWith('shop', kafkaSpec({ nodes: 2 }), [
      serviceSpec('app', { dependsOn: ['db', 'kafka'] }),
      serviceSpec('db'),
      serviceSpec('cache', { dependsOn: ['app'] }),
    ]);
    expect(desiredContainers(spec, LINUX).map((d) => d.name)).toEqual(['shop-kafka-1', 'shop-kafka-2', 'shop-db', 'shop-app', 'shop-cache']);
    expect(desiredNames(spec)).toEqual(['shop-kafka-1', 'shop-kafka-2', 'shop-app', 'shop-db', 'shop-cache']);
  });
});

describe('config hash', () => {
  it('is stable: same spec, same hash; key order of properties and env does not matter', () => {
    const a = specWith('p', kafkaSpec({ properties: { 'a.b': '1', 'c.d': '2' } }), [serviceSpec('s', { env: { X: '1', Y: '2' } })]);
    const b = specWith('p', kafkaSpec({ properties: { 'c.d': '2', 'a.b': '1' } }), [serviceSpec('s', { env: { Y: '2', X: '1' } })]);
    expect(desiredContainers(a, LINUX).map((d) => d.configHash)).toEqual(desiredContainers(b, LINUX).map((d) => d.configHash));
    expect(canonicalJson({ b: 1, a: { d: 2, c: undefined } })).toBe('{"a":{"d":2},"b":1}');
    expect(hashOf({ b: 1, a: 2 })).toBe(hashOf({ a: 2, b: 1 }));
  });

  it('changes with a property, the image, the heap, ports, command, or env values', () => {
    const base = desiredContainers(specWith('p', kafkaSpec(), [serviceSpec('s')]), LINUX);
    const variants = [
      specWith('p', kafkaSpec({ properties: { 'log.retention.ms': '1' } }), [serviceSpec('s')]),
      specWith('p', kafkaSpec({ image: 'apache/kafka:4.0.0' }), [serviceSpec('s')]),
      specWith('p', kafkaSpec({ heap: '384m' }), [serviceSpec('s')]),
      specWith('p', kafkaSpec({ port: 9192 }), [serviceSpec('s')]),
    ];
    for (const v of variants) expect(desiredContainers(v, LINUX)[0]!.configHash).not.toBe(base[0]!.configHash);
    const svc = [
      serviceSpec('s', { command: ['sleep', '1'] }),
      serviceSpec('s', { env: { A: 'secret' } }),
      serviceSpec('s', { network: 'bridge' }),
    ];
    for (const s of svc) expect(desiredContainers(specWith('p', kafkaSpec(), [s]), LINUX)[1]!.configHash).not.toBe(base[1]!.configHash);
    // One node's property change does not touch a service that does not depend on Kafka.
    expect(desiredContainers(variants[0]!, LINUX)[1]!.configHash).toBe(base[1]!.configHash);
  });
});
