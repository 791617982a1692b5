#!/usr/bin/env bash
# The Envoy-shaped soak (issue 10, item 4) at benchmark size: EnvoyShapedSoakIT with a
# million calls (CALLS), on a GlassFish 8.0.0 the test starts on free ports, through
# the connector's Stream method with HEADERS batched as Envoy's codec sends them, header
# values (path, cookies, request id) changing on every call. It prints the test's
# summary line: calls, connections, streams in flight, time, and the failures by kind
# (":status 431", "grpc-status 13", "RST_STREAM 7", "GOAWAY", ...). Target: none.
#
# Usage: benchmarks/envoy-soak.sh            (from the repository root; JDK 21+ in JAVA_HOME)
#   CALLS=N        calls in all (default 1000000)
#   CONNECTIONS=N  connections (default 4), INFLIGHT=N streams in flight per connection (16)
#   COOKIE=N       size of the per-call cookie in bytes (default 8192)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log=target/envoy-soak.log
mkdir -p target
status=0
mvn -B verify -pl integration-tests -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=EnvoyShapedSoakIT -Dit.soak.envoy.calls="${CALLS:-1000000}" \
  -Dit.soak.envoy.connections="${CONNECTIONS:-4}" -Dit.soak.envoy.inflight="${INFLIGHT:-16}" \
  -Dit.soak.envoy.cookie="${COOKIE:-8192}" >"$log" 2>&1 || status=$?
grep -h 'Envoy-shaped soak:' "$log" || echo "envoy-soak.sh: no summary line; the build failed before the soak ran (see $log)"
grep -h -A3 'envoyShapedTrafficWithChangingHeadersHasNoFailure' "$log" | grep -m1 'failures by kind' || true
exit "$status"
