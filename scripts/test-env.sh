#!/usr/bin/env bash
# Makes the kafkaform test environment exist: a Docker engine, kcat, and a Kafka image.
# Idempotent: a second run only checks, and finishes in seconds.
#
# Environment:
#   KAFKA_VERSION       Kafka version of the image (default: the project's pinned version)
#   KAFKAFORM_IMAGE     image reference to provide (default: apache/kafka:$KAFKA_VERSION)
#   KAFKAFORM_NO_PULL=1 do not try to pull from a registry; build the stand-in at once
#   KAFKAFORM_BASE_IMAGE the Debian + Java base image tag to build or reuse
#   KAFKAFORM_CACHE     where the Debian rootfs and Kafka jars are cached (default /var/cache/kafkaform)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# The pinned version lives in src/kafka/versions.ts (one line: export const DEFAULT_KAFKA_VERSION = 'x.y.z';).
pinned="$(sed -n "s/^export const DEFAULT_KAFKA_VERSION = '\([^']*\)';$/\1/p" "$root/src/kafka/versions.ts")"
KAFKA_VERSION="${KAFKA_VERSION:-$pinned}"
IMAGE="${KAFKAFORM_IMAGE:-apache/kafka:$KAFKA_VERSION}"
CACHE="${KAFKAFORM_CACHE:-/var/cache/kafkaform}"
BASE_IMAGE="${KAFKAFORM_BASE_IMAGE:-kafkaform/debian-jre17:bookworm-2}"

log() { printf '[test-env] %s\n' "$*" >&2; }
die() { printf '[test-env] error: %s\n' "$*" >&2; exit 1; }

[ -n "$KAFKA_VERSION" ] || die "no KAFKA_VERSION given and none pinned in src/kafka/versions.ts"
# kafkaform runs KRaft clusters of Kafka 3.9 to 4.x (src/kafka/versions.ts says why).
case "$KAFKA_VERSION" in
  3.9.*|4.*) ;;
  *) die "Kafka $KAFKA_VERSION is not supported: kafkaform runs Kafka 3.9 (KRaft) to 4.x (the default is $pinned)" ;;
esac
is_debian_root() { [ -f /etc/debian_version ] && [ "$(id -u)" = 0 ]; }

apt_updated=0
apt_install() {
  is_debian_root || die "missing: $* (install it, or run this script as root on Debian/Ubuntu)"
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_tools() {
  local missing=()
  command -v kcat >/dev/null || missing+=(kcat)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v mvn >/dev/null || missing+=(maven)
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
  # The Python client the original tutorial used; the seed tests consume with it in a consumer group.
  if ! python3 -c 'import confluent_kafka' >/dev/null 2>&1; then
    log "pip install confluent-kafka"
    python3 -m pip install -q confluent-kafka >/dev/null || die "pip could not install confluent-kafka"
  fi
}

# The tests and benches listen on fixed loopback ports inside Linux's ephemeral range (32768-60999), so an outgoing
# connection of any client could take one as its source port and a broker then fails to bind ("already in use").
# Reserving those ranges keeps ephemeral ports out of them; listening on them explicitly still works.
TEST_PORT_RANGES="19000-19999,29000-29999,39000-40999,49000-49999,51000-60999"
ensure_test_ports() {
  local file=/proc/sys/net/ipv4/ip_local_reserved_ports current
  [ -w "$file" ] || { log "cannot reserve the test ports (no root): a rare 'port already in use' may follow"; return 0; }
  current=$(cat "$file")
  case ",$current," in *",19000-19999,"*) return 0 ;; esac
  echo "${current:+$current,}$TEST_PORT_RANGES" > "$file" && log "reserved the test ports from ephemeral use: $TEST_PORT_RANGES"
}

docker_ok() { docker info >/dev/null 2>&1; }

ensure_docker() {
  if docker_ok; then log "docker engine answers"; return; fi
  if [ -n "${DOCKER_HOST:-}" ]; then die "DOCKER_HOST=$DOCKER_HOST does not answer: start that engine or unset DOCKER_HOST"; fi
  if ! command -v dockerd >/dev/null; then
    apt_install docker.io
  fi
  command -v docker >/dev/null || apt_install docker.io
  if [ -S /var/run/docker.sock ] && ! docker_ok && pgrep -x dockerd >/dev/null; then
    log "dockerd runs but does not answer yet; waiting"
  else
    is_debian_root || die "no Docker engine answers and dockerd cannot be started here (need root). Start Docker, or set DOCKER_HOST."
    log "starting dockerd (no bridge network: containers use host networking on loopback)"
    mkdir -p /var/log
    # --bridge=none: no container here ever gets a bridge address; tests use host networking.
    setsid nohup dockerd --bridge=none >/var/log/kafkaform-dockerd.log 2>&1 < /dev/null &
  fi
  for _ in $(seq 1 60); do docker_ok && { log "docker engine started"; return; }; sleep 1; done
  tail -n 30 /var/log/kafkaform-dockerd.log >&2 || true
  die "dockerd did not answer within 60 s (log: /var/log/kafkaform-dockerd.log)"
}

# Inputs whose change requires rebuilding the image; the hash is stored as an image label.
image_inputs_hash() {
  { echo "$KAFKA_VERSION $BASE_IMAGE"; cat "$root/docker/kafka/pom.xml" "$root/docker/kafka/Dockerfile" "$root/docker/kafka/tools.tsv" "$root"/docker/kafka/files/*; } | sha256sum | cut -c1-16
}

image_label() { docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }

ensure_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then return; fi
  local rootfs="$CACHE/rootfs-bookworm-jre17"
  if [ ! -f "$rootfs.done" ]; then
    local mirror
    mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
    [ -n "$mirror" ] || mirror="$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
    [ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
    log "debootstrap bookworm with openjdk-17-jre-headless from $mirror (about a minute)"
    rm -rf "$rootfs"; mkdir -p "$rootfs"
    debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" "$mirror" >"$CACHE/debootstrap.log" 2>&1 \
      || { tail -n 20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    touch "$rootfs.done"
  fi
  # The official image runs as uid 1000 under /opt/kafka, with writable config and data directories.
  chroot "$rootfs" /usr/bin/id appuser >/dev/null 2>&1 || chroot "$rootfs" /usr/sbin/useradd --uid 1000 --create-home --shell /bin/bash appuser
  mkdir -p "$rootfs"/opt/kafka/config "$rootfs"/opt/kafka/bin "$rootfs"/var/lib/kafka/data "$rootfs"/etc/kafka/docker "$rootfs"/etc/kafka/secrets "$rootfs"/mnt/shared/config
  chown -R 1000:1000 "$rootfs"/opt/kafka "$rootfs"/var/lib/kafka "$rootfs"/etc/kafka "$rootfs"/mnt/shared
  log "importing $BASE_IMAGE"
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
    - "$BASE_IMAGE" >/dev/null
}

ensure_kafka_libs() {
  local libs="$CACHE/kafka-$KAFKA_VERSION/libs"
  if [ -f "$libs.done" ] && [ "$(cat "$libs.done")" = "$(sha256sum < "$root/docker/kafka/pom.xml")" ]; then return; fi
  log "resolving Apache Kafka $KAFKA_VERSION jars from Maven Central"
  rm -rf "$libs"; mkdir -p "$libs"
  (cd "$root/docker/kafka" && mvn -q -B -Dstyle.color=never dependency:copy-dependencies -Dkafka.version="$KAFKA_VERSION" -DoutputDirectory="$libs") \
    || die "maven could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION"
  sha256sum < "$root/docker/kafka/pom.xml" > "$libs.done"
}

# Main classes in the Kafka jars of $1, one per line (e.g. org.apache.kafka.tools.TopicCommand).
kafka_classes() {
  python3 - "$1" <<'PY'
import glob, sys, zipfile
for jar in sorted(glob.glob(sys.argv[1] + "/kafka*.jar")):
    with zipfile.ZipFile(jar) as z:
        for n in z.namelist():
            if n.endswith(".class") and "$" not in n:
                print(n[:-6].replace("/", "."))
PY
}

# Writes /opt/kafka/bin of the image into $2: the fixed scripts, and one wrapper per tools.tsv line whose class
# the jars in $1 contain (tools moved between packages across Kafka versions).
make_bin_scripts() {
  local libs="$1" bin="$2" classes name candidates cls found
  mkdir -p "$bin"
  cp "$root"/docker/kafka/files/kafka-run-class.sh "$root"/docker/kafka/files/kafka-server-start.sh "$root"/docker/kafka/files/kafka-server-stop.sh "$bin/"
  classes="$(kafka_classes "$libs")"
  while IFS=$'\t' read -r name candidates; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    found=""
    for cls in $candidates; do
      if grep -qxF "$cls" <<<"$classes"; then found="$cls"; break; fi
    done
    if [ -z "$found" ]; then log "Kafka $KAFKA_VERSION has none of $candidates: no bin/$name"; continue; fi
    printf '#!/bin/bash\n# %s of Apache Kafka %s, as in the official image.\nexec "$(dirname "$0")/kafka-run-class.sh" %s "$@"\n' \
      "$name" "$KAFKA_VERSION" "$found" > "$bin/$name"
  done < "$root/docker/kafka/tools.tsv"
  chmod 755 "$bin"/*
}

ensure_kafka_image() {
  local want; want="$(image_inputs_hash)"
  if docker image inspect "$IMAGE" >/dev/null 2>&1; then
    local have; have="$(image_label "$IMAGE" dev.kafkaform.inputs)"
    if [ -z "$have" ]; then log "$IMAGE is present (not built here): using it"; return; fi
    if [ "$have" = "$want" ]; then log "$IMAGE is present and up to date"; return; fi
    log "$IMAGE was built from older inputs: rebuilding"
  elif [ "${KAFKAFORM_NO_PULL:-}" != 1 ]; then
    log "trying to pull $IMAGE"
    if timeout 60 docker pull -q "$IMAGE" >/dev/null 2>&1; then log "pulled $IMAGE"; return; fi
    log "no registry could provide $IMAGE: building a local stand-in from Maven Central jars"
  fi
  ensure_base_image
  ensure_kafka_libs
  local ctx; ctx="$(mktemp -d)"
  trap 'rm -rf "$ctx"' RETURN
  cp -r "$root/docker/kafka/Dockerfile" "$root/docker/kafka/files" "$ctx/"
  cp -r "$CACHE/kafka-$KAFKA_VERSION/libs" "$ctx/libs"
  make_bin_scripts "$ctx/libs" "$ctx/bin"
  log "building $IMAGE"
  DOCKER_BUILDKIT=0 docker build -q --network none \
    --build-arg BASE="$BASE_IMAGE" --build-arg KAFKA_VERSION="$KAFKA_VERSION" \
    --label dev.kafkaform.inputs="$want" -t "$IMAGE" "$ctx" >/dev/null 2>"$ctx/build.err" \
    || { cat "$ctx/build.err" >&2; die "docker build of $IMAGE failed"; }
  log "built $IMAGE"
}

start=$(date +%s)
mkdir -p "$CACHE"
ensure_tools
ensure_test_ports
ensure_docker
ensure_kafka_image
log "ready in $(( $(date +%s) - start )) s: image $IMAGE"
