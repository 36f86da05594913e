#!/usr/bin/env bash
# Runs the compatibility subset of the integration tests against apache/kafka:VERSION (built by
# `KAFKA_VERSION=VERSION bash scripts/test-env.sh`): topics plan/apply with a replication-factor change on 3 nodes,
# seeds exactly once, peek, containers of 1 and 3 nodes, and the image's /opt/kafka/bin tools.
# Writes vitest's JSON report to .vitest/report-VERSION.json.
set -euo pipefail
version="${1:?usage: compat-tests.sh VERSION}"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
files=(
  test/integration/topics.test.ts
  test/integration/seed.test.ts
  test/integration/peek.test.ts
  test/integration/containers.test.ts
  test/integration/image-tools.test.ts
)
# Whole describe blocks, by name: the failure-path tests (killed brokers, busy ports, bad images) do not depend
# on the Kafka version and run on the default version only.
blocks='topics on a 1-node cluster|replication factor on a 3-node cluster|seeding a real broker exactly once|kafkaform peek against a real broker|containers: a 1-node cluster|containers: a 3-node cluster|/opt/kafka/bin tools'
KAFKAFORM_TEST_IMAGE="apache/kafka:$version" npx vitest run "${files[@]}" -t "$blocks" --outputFile.json=".vitest/report-$version.json"
