#!/usr/bin/env bash
# Issue 10, item 1 at benchmark size: h2load through the connector for every number of
# streams in flight from 1 to 100 (MultiplexingIT samples a few of them in CI), on a
# GlassFish 8.0.0 the test starts on free ports. Each run is h2load -c 16 -m M with a
# pre-encoded empty HttpBody, Envoy's x-envoy-original-* metadata and the edge's secret;
# it prints one line per M with h2load's counts (2xx, 4xx, 5xx, failed, errored). Target:
# every request 2xx.
#
# Usage: benchmarks/multiplexing.sh        (from the repository root; JDK 21+ in JAVA_HOME)
#   STREAMS=1,10,100   only these values of -m (default: all of 1..100)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log=target/multiplexing.log
mkdir -p target
status=0
mvn -B verify -pl integration-tests -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='MultiplexingIT#everySampledStreamCountFrom1To100HasNoNon2xx' \
  -Dit.multiplexing.streams="${STREAMS:-all}" >"$log" 2>&1 || status=$?
grep -h 'h2load -c 16 -m' "$log" || echo "multiplexing.sh: no h2load line; the build failed before the runs (see $log)"
exit "$status"
