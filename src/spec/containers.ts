import { asInt, asMap, asString, networkMode, scalarString, type SpecContext } from './context.js';
import {
  CONTROLLER_PORT_OFFSET,
  DEFAULT_KAFKA_HEAP,
  DEFAULT_KAFKA_IMAGE,
  DEFAULT_KAFKA_NODES,
  DEFAULT_KAFKA_PORT,
  DEFAULT_PERSISTENCE,
  MANAGED_BROKER_PROPERTIES,
  defaultClusterId,
} from './defaults.js';
import { unsupportedImage, zookeeperProperty } from '../kafka/versions.js';
import { checkImage, normaliseServices } from './services.js';
import { normaliseSecurity, SECURITY_MANAGED_PROPERTY } from './security.js';
import { quote } from './text.js';
import type { ContainersSpec, KafkaClusterSpec } from './types.js';

const PROPERTY_NAME = /^[a-z0-9._-]+$/;

function brokerProperties(ctx: SpecContext, raw: unknown, secured: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(asMap(raw) ?? {})) {
    const path = ['containers', 'kafka', 'properties', name];
    if (!PROPERTY_NAME.test(name)) {
      ctx.problems.add(path, `invalid broker property name ${quote(name)}: use lowercase letters, digits, ".", "_" and "-"`, 'broker properties use Kafka names such as log.retention.hours', 'key');
      continue;
    }
    const zookeeper = zookeeperProperty(name);
    if (zookeeper) {
      ctx.problems.add(path, zookeeper.message, zookeeper.fix, 'key');
      continue;
    }
    if (MANAGED_BROKER_PROPERTIES.includes(name)) {
      ctx.problems.add(path, `broker property ${quote(name)} is managed by kafkaform`, 'remove it; use containers.kafka.port, controllerPort and nodes to shape listeners and the quorum', 'key');
      continue;
    }
    if (secured && SECURITY_MANAGED_PROPERTY.test(name)) {
      ctx.problems.add(path, `broker property ${quote(name)} is managed by containers.kafka.security`, 'remove it; security sets listeners, TLS, SASL, super.users and the authorizer', 'key');
      continue;
    }
    const s = scalarString(value);
    if (s !== undefined) out[name] = s;
  }
  return out;
}

function range(from: number, n: number): string {
  return n === 1 ? String(from) : `${from}-${from + n - 1}`;
}

function kafkaCluster(ctx: SpecContext, raw: unknown, project: string): KafkaClusterSpec {
  const m = asMap(raw) ?? {};
  const nodes = asInt(m.nodes, DEFAULT_KAFKA_NODES);
  const port = asInt(m.port, DEFAULT_KAFKA_PORT);
  const controllerPort = asInt(m.controllerPort, port + CONTROLLER_PORT_OFFSET);
  const at = (key: string) => ['containers', 'kafka', key];
  if (port + nodes - 1 > 65535) ctx.problems.add(at('port'), `${nodes} nodes need client ports ${range(port, nodes)}, beyond 65535`, 'choose a lower port');
  if (controllerPort + nodes - 1 > 65535) {
    ctx.problems.add(at(m.controllerPort === undefined ? 'port' : 'controllerPort'), `${nodes} nodes need controller ports ${range(controllerPort, nodes)}, beyond 65535`, 'choose a lower controllerPort');
  }
  if (controllerPort <= port + nodes - 1 && port <= controllerPort + nodes - 1) {
    ctx.problems.add(
      at(m.controllerPort === undefined ? 'port' : 'controllerPort'),
      `client ports ${range(port, nodes)} overlap controller ports ${range(controllerPort, nodes)}`,
      `choose a controllerPort outside ${range(port, nodes)} (the default is port + ${CONTROLLER_PORT_OFFSET})`,
    );
  }
  const persistence = m.persistence === 'none' ? 'none' : DEFAULT_PERSISTENCE;
  checkImage(ctx, ['containers', 'kafka', 'image'], m.image);
  const image = asString(m.image, DEFAULT_KAFKA_IMAGE);
  const unsupported = unsupportedImage(image);
  if (unsupported) ctx.problems.add(at('image'), unsupported.message, unsupported.fix);
  return {
    image,
    nodes,
    network: networkMode(m.network),
    port,
    controllerPort,
    heap: asString(m.heap, DEFAULT_KAFKA_HEAP),
    properties: brokerProperties(ctx, m.properties, m.security !== undefined && m.security !== null && m.security !== false),
    persistence,
    clusterId: asString(m.clusterId, defaultClusterId(project)),
    security: normaliseSecurity(ctx, m.security, project),
    pos: ctx.source.pos(['containers', 'kafka'], 'key'),
  };
}

/** Normalises `containers`; null when it declares neither a Kafka cluster nor a service. */
export function normaliseContainers(ctx: SpecContext, raw: unknown, project: string): ContainersSpec | null {
  const m = asMap(raw);
  if (!m) return null;
  const kafka = 'kafka' in m ? kafkaCluster(ctx, m.kafka, project) : null;
  const services = normaliseServices(ctx, m.services, kafka);
  return kafka || services.length ? { kafka, services } : null;
}
