#!/usr/bin/env bash
# Prints the topic configs of Kafka VERSION as its jars define them (see scripts/TopicConfigs.java), e.g.
#   bash scripts/topic-configs.sh 4.4.0 > test/fixtures/topic-configs/kafka-4.4.0.tsv
# Uses the jars scripts/test-env.sh cached for that version (KAFKA_VERSION=VERSION bash scripts/test-env.sh first).
set -euo pipefail
version="${1:?usage: topic-configs.sh VERSION}"
libs="${KAFKAFORM_CACHE:-/var/cache/kafkaform}/kafka-$version/libs"
[ -d "$libs" ] || { echo "no jars in $libs: run KAFKA_VERSION=$version bash scripts/test-env.sh first" >&2; exit 1; }
exec java -cp "$libs/*" "$(dirname "${BASH_SOURCE[0]}")/TopicConfigs.java" 2>/dev/null
