/**
 * The Kafka versions kafkaform supports and everything that differs between them, in one place (pure data and
 * functions: no client, no I/O). The spec, the container model, the test support, scripts/test-env.sh and the
 * benchmarks all take the default version from here.
 */

/**
 * The project's Kafka version: the newest Kafka 4.x on Maven Central when it was pinned. scripts/test-env.sh
 * reads this line with sed, so keep it a single-quoted literal on one line.
 */
export const DEFAULT_KAFKA_VERSION = '4.4.0';

/** The image of containers.kafka when the spec names none. */
export const DEFAULT_KAFKA_IMAGE = `apache/kafka:${DEFAULT_KAFKA_VERSION}`;

const VERSION_TEXT = /^(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.-]+)?$/;

/** A Kafka release number; a suffix such as "-rc1" stays in `text` only and is ignored when comparing. */
export interface KafkaVersion {
  major: number;
  minor: number;
  patch: number;
  /** As written, e.g. "3.9.1". */
  text: string;
}

/** Oldest version kafkaform runs: 3.9, the last 3.x, in KRaft mode (kafkaform never starts ZooKeeper). */
export const OLDEST_SUPPORTED_VERSION = version('3.9.0');

/** Newest version the test matrix covers; newer 4.x releases are allowed, untested. */
export const NEWEST_TESTED_VERSION = version(DEFAULT_KAFKA_VERSION);

/** The minor lines between OLDEST_SUPPORTED_VERSION and NEWEST_TESTED_VERSION, oldest first. */
export const SUPPORTED_KAFKA_LINES: readonly string[] = ['3.9', '4.0', '4.1', '4.2', '4.3', '4.4'];

/** The versions CI runs: the whole suite on the default, a compatibility subset on the others (see .ci/run). */
export const TESTED_KAFKA_VERSIONS: readonly string[] = ['3.9.2', '4.0.2', DEFAULT_KAFKA_VERSION];

/** Parses "4.4.0", "3.9" or "4.0.0-rc1"; null when the text is not a release number. */
export function parseKafkaVersion(text: string): KafkaVersion | null {
  const m = VERSION_TEXT.exec(text);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text };
}

function version(text: string): KafkaVersion {
  const v = parseKafkaVersion(text);
  if (!v) throw new Error(`bad version literal ${text}`);
  return v;
}

/** Orders versions by major, minor, patch: negative when a is older than b. */
export function compareKafkaVersions(a: KafkaVersion, b: KafkaVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** True when v is at least the version written as `atLeast` ("4.0" or "4.0.0"). */
export function isAtLeast(v: KafkaVersion, atLeast: string): boolean {
  return compareKafkaVersions(v, version(atLeast)) >= 0;
}

/** Repositories whose tags are Kafka release numbers (the official JVM and GraalVM images). */
const OFFICIAL_REPOSITORIES = new Set(['apache/kafka', 'apache/kafka-native']);

/**
 * The Kafka version an image reference names: the tag of apache/kafka or apache/kafka-native (any registry).
 * Null when the reference does not tell: another image (its tags are not Kafka versions), `latest`, or a digest only.
 */
export function imageKafkaVersion(image: string): KafkaVersion | null {
  const ref = image.split('@')[0] ?? '';
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon <= slash) return null;
  let repo = ref.slice(0, colon);
  const first = repo.split('/')[0] ?? '';
  // A first component with a dot or a port, or "localhost", is a registry host, not part of the repository.
  if (repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) repo = repo.slice(first.length + 1);
  if (!OFFICIAL_REPOSITORIES.has(repo)) return null;
  return parseKafkaVersion(ref.slice(colon + 1));
}

/** Why an image cannot run a kafkaform cluster, with the fix; null when it can (or its version is unknown). */
export function unsupportedImage(image: string): { message: string; fix: string } | null {
  const v = imageKafkaVersion(image);
  if (!v) return null;
  if (compareKafkaVersions(v, OLDEST_SUPPORTED_VERSION) < 0) {
    return {
      message: `image ${image} runs Kafka ${v.text}, older than 3.9: kafkaform runs KRaft clusters of Kafka 3.9 to ${NEWEST_TESTED_VERSION.major}.${NEWEST_TESTED_VERSION.minor}, and Kafka before 3.9 needs ZooKeeper or lacks KRaft features`,
      fix: `use ${DEFAULT_KAFKA_IMAGE} (the default; leave image out), or apache/kafka:3.9.2 if you need 3.x`,
    };
  }
  if (v.major > NEWEST_TESTED_VERSION.major) {
    return {
      message: `image ${image} runs Kafka ${v.text}, a major version kafkaform does not support yet (newest: ${NEWEST_TESTED_VERSION.text})`,
      fix: `use ${DEFAULT_KAFKA_IMAGE} (the default; leave image out)`,
    };
  }
  return null;
}

/** Topic configs that appeared after 3.9, with the first version that accepts them (read from each LogConfig). */
export const TOPIC_CONFIGS_ADDED: Readonly<Record<string, string>> = {
  'errors.deadletterqueue.group.enable': '4.4',
  'max.decompressed.message.bytes': '4.4',
  'remote.copy.lag.bytes': '4.4',
  'remote.copy.lag.ms': '4.4',
};

/** Topic configs 3.9 has and 4.0 removed. */
export const TOPIC_CONFIGS_REMOVED_IN_4: readonly string[] = [
  'message.downconversion.enable',
  'message.format.version',
  'message.timestamp.difference.max.ms',
];

/** Whether a broker of version v knows the topic config `name` (which is in the newest catalogue, or removed in 4.0). */
export function topicConfigKnown(name: string, v: KafkaVersion): boolean {
  if (TOPIC_CONFIGS_REMOVED_IN_4.includes(name)) return v.major < 4;
  const since = TOPIC_CONFIGS_ADDED[name];
  return since === undefined || isAtLeast(v, since);
}

/** Kafka's default of a topic config where a supported version differs from the newest catalogue. */
export function topicConfigDefault(name: string, v: KafkaVersion): string | undefined {
  // KIP-937: 4.0 bounded future timestamps to one hour; 3.9 accepted any.
  if (name === 'message.timestamp.after.max.ms' && v.major < 4) return '9223372036854775807';
  return undefined;
}

/** The internal topics a broker of version v may create (kafkaform never manages or deletes them). */
export function internalTopics(v: KafkaVersion): string[] {
  const topics = ['__consumer_offsets', '__transaction_state'];
  // Share groups (KIP-932) keep their state in this topic from 4.0 on.
  if (isAtLeast(v, '4.0')) topics.push('__share_group_state');
  return topics;
}

/**
 * Broker properties that size the internal topics for a cluster of `nodes` nodes: replicas as many as the
 * cluster holds (≤ 3), min ISR min(2, nodes) so a single node still works. Share-group state settings only on
 * brokers that have that topic (3.9 would log them as unknown).
 */
export function internalTopicProperties(v: KafkaVersion, nodes: number): Record<string, string> {
  const rf = String(Math.min(3, nodes));
  const minIsr = String(Math.min(2, nodes));
  const props: Record<string, string> = {
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
  };
  if (internalTopics(v).includes('__share_group_state')) {
    props['share.coordinator.state.topic.replication.factor'] = rf;
    props['share.coordinator.state.topic.min.isr'] = minIsr;
  }
  return props;
}

/**
 * The controller quorum setting kafkaform writes: the static voter list `controller.quorum.voters`, which every
 * supported version reads. `controller.quorum.bootstrap.servers` (dynamic quorums, KIP-853) exists from 3.9 on
 * but needs storage formatted with --initial-controllers, so kafkaform does not use it.
 */
export function controllerQuorumProperties(controllers: readonly string[]): Record<string, string> {
  return { 'controller.quorum.voters': controllers.map((hostPort, i) => `${i + 1}@${hostPort}`).join(',') };
}

/** Why a ZooKeeper broker property (zookeeper.*) is refused, with the fix; null for other properties. */
export function zookeeperProperty(name: string): { message: string; fix: string } | null {
  if (!name.startsWith('zookeeper.')) return null;
  return {
    message: `broker property "${name}" configures ZooKeeper, but Kafka 4 runs without ZooKeeper: kafkaform's nodes are KRaft brokers and controllers`,
    fix: 'remove it; the controller quorum of containers.kafka.nodes replaces ZooKeeper',
  };
}
