#!/usr/bin/env bash
# Builds segmentio/topicctl from the Go module proxy into a cache dir (default .bench-cache/bin), once, and
# prints the binary's path. An exact version is needed (the proxy may refuse @latest and module version lists),
# so the build goes through a throwaway module that pins it, which needs no version list.
set -euo pipefail
VERSION="${TOPICCTL_VERSION:-v1.20.0}"
CACHE="${KFT_BENCH_CACHE:-$(cd "$(dirname "$0")/../.." && pwd)/.bench-cache}"
BIN="$CACHE/bin/topicctl"
if [ ! -x "$BIN" ]; then
  command -v go >/dev/null || { echo "go not found: install Go to build topicctl" >&2; exit 1; }
  mkdir -p "$CACHE/bin" "$CACHE/topicctl-build"
  cd "$CACHE/topicctl-build"
  [ -f go.mod ] || go mod init kafkaform.bench/topicctl >&2
  export GOPATH="${GOPATH:-$CACHE/gopath}" GOFLAGS=-mod=mod
  go get "github.com/segmentio/topicctl@$VERSION" >&2
  go build -o "$BIN" github.com/segmentio/topicctl/cmd/topicctl >&2
fi
echo "$BIN"
