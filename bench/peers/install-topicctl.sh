#!/usr/bin/env bash
# Builds segmentio/topicctl from the Go module proxy into a cache dir (default .bench-cache/bin), once.
# Prints the binary's path. An exact version is needed: the proxy refuses @latest here.
set -euo pipefail
VERSION="${TOPICCTL_VERSION:-v1.20.0}"
CACHE="${KFT_BENCH_CACHE:-$(cd "$(dirname "$0")/../.." && pwd)/.bench-cache}"
BIN="$CACHE/bin/topicctl"
if [ ! -x "$BIN" ]; then
  command -v go >/dev/null || { echo "go not found: install Go to build topicctl" >&2; exit 1; }
  mkdir -p "$CACHE/bin"
  GOBIN="$CACHE/bin" GOPATH="${GOPATH:-$CACHE/gopath}" go install "github.com/segmentio/topicctl/cmd/topicctl@$VERSION" >&2
fi
echo "$BIN"
