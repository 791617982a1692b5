#!/usr/bin/env bash
# HEALTHCHECK of the GlassFish image: healthy when the connector answers
# grpc.health.v1.Health/Check for grpcconnector.v1.HttpService with SERVING, the same
# check Envoy's cluster makes (envoy/envoy.yaml). Uses curl's HTTP/2 with prior
# knowledge, as Envoy talks to the listener.
# Usage: healthcheck.sh [PORT]   (default: install.sh's default listener port)
set -euo pipefail

port=${1:-8081}
service=grpcconnector.v1.HttpService

# HealthCheckRequest{service = 1}: tag 0x0a, length, the name; in a gRPC frame:
# flag 0 (uncompressed), 4-byte big-endian message length, the message.
hex() { printf '\\x%02x' "$1"; }
message_length=$((2 + ${#service}))
request() {
  # shellcheck disable=SC2059 # the format is built from hex escapes on purpose
  printf "\\x00\\x00\\x00\\x00$(hex "$message_length")\\x0a$(hex "${#service}")%s" "$service"
}

# HealthCheckResponse{status = SERVING (1)}: frame 00 00000002, message 08 01.
if ! response=$(request | curl --silent --show-error --max-time 4 --http2-prior-knowledge \
  -H 'content-type: application/grpc' -H 'te: trailers' --data-binary @- \
  "http://127.0.0.1:$port/grpc.health.v1.Health/Check" | od -An -tx1 | tr -d ' \n'); then
  echo "healthcheck.sh: no answer from the connector on port $port" >&2
  exit 1
fi
if [[ $response != 00000000020801 ]]; then
  echo "healthcheck.sh: $service on port $port is not SERVING (response frame: '${response}')" >&2
  exit 1
fi
