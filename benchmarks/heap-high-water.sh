#!/usr/bin/env bash
# Heap high-water of a running GlassFish during one streamed 1 GiB download and one
# streamed 1 GiB upload through the connector's Stream method (issue 3, item 3).
#
# Starts no server. It expects a GlassFish with the connector and the test web app on
# /app already running, ideally with a small heap, e.g. after ./demo.sh:
#   target/demo/glassfish8/bin/asadmin delete-jvm-options -- -Xmx512m
#   target/demo/glassfish8/bin/asadmin create-jvm-options -- -Xmx256m
#   target/demo/glassfish8/bin/asadmin restart-domain
#
# Usage: benchmarks/heap-high-water.sh [GRPC_PORT]   (default 8081)
#   GF_PID=N     the GlassFish JVM (default: the one process jcmd -l lists as GlassFish)
#   SIZE=BYTES   bytes per direction (default 1073741824; a multiple of 1048576)
#   TMPDIR       where the framed upload body (SIZE + 5 B per MiB) is written, then deleted
#
# Needs: nghttp (nghttp2-client), jstat and jcmd of a JDK, python3 (to frame the upload).
# The client is nghttp: each call is a hand-made gRPC request (content-type application/grpc,
# the HttpBody messages framed by the script), the way Envoy sends it. Each phase starts
# with a `jcmd PID GC.run` and records two high-water marks of the server's heap:
#  * live: the largest heap occupancy right after a garbage collection during the phase,
#    from the GC log the script switches on (`jcmd PID VM.log`, restored at the end). This
#    is what the transfer keeps reachable, plus what was in flight at that moment; the
#    figure the goal (below 64 MiB above idle) is about;
#  * used: the largest `jstat -gc PID 200` sample of S0U + S1U + EU + OU, garbage included,
#    so mostly the young generation's size: an upper bound, not what the transfer holds.
# "Above idle" subtracts the idle phase's figure. It prints the figures; it asserts
# nothing. Correctness (checksums) is checked by integration-tests' BoundedMemoryIT.
set -euo pipefail

PORT=${1:-8081}
SIZE=${SIZE:-1073741824}
MIB=1048576
((SIZE % MIB == 0)) || { echo "SIZE must be a multiple of $MIB" >&2; exit 2; }
for tool in nghttp jstat jcmd python3; do
  command -v "$tool" >/dev/null || { echo "heap-high-water.sh: $tool not found" >&2; exit 2; }
done
if [[ -z ${GF_PID:-} ]]; then
  GF_PID=$(jcmd -l | awk 'tolower($0) ~ /glassfish|asmain/ { print $1; exit }')
fi
[[ -n $GF_PID ]] || { echo "no GlassFish JVM found; set GF_PID" >&2; exit 2; }
echo "GlassFish pid $GF_PID, gRPC port $PORT, $SIZE bytes per direction"
jcmd "$GF_PID" VM.flags | tr ' ' '\n' | grep -E 'MaxHeapSize|UseG1GC|UseParallelGC|UseSerialGC|UseZGC' || true

WORK=$(mktemp -d)
SAMPLER=
cleanup() {
  [[ -n $SAMPLER ]] && kill "$SAMPLER" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# GC log to a file of ours while the script runs; `VM.log disable` at the end turns every
# unified-logging output off, so it is put back to the JVM's default (warnings to stdout).
jcmd "$GF_PID" VM.log output="file=$WORK/gc.log" what=gc=info decorators=uptime >/dev/null
cleanup() {
  [[ -n $SAMPLER ]] && kill "$SAMPLER" 2>/dev/null || true
  jcmd "$GF_PID" VM.log disable >/dev/null 2>&1 || true
  jcmd "$GF_PID" VM.log output=stdout what=all=warning decorators=uptime,level,tags >/dev/null 2>&1 || true
  rm -rf "$WORK"
}

# One empty HttpBody message (the download's request) and SIZE bytes of the /bytes pattern
# (byte i = (i*31+7) & 0xff) as 1 MiB HttpBody messages, the content type in the first.
python3 - "$WORK" "$SIZE" <<'PY'
import struct, sys
work, size = sys.argv[1], int(sys.argv[2])
mib = 1 << 20
block = bytes(((i * 31 + 7) & 0xff) for i in range(mib))
def varint(n):
    out = b""
    while True:
        b = n & 0x7f; n >>= 7
        if n: out += bytes([b | 0x80])
        else: return out + bytes([b])
def frame(msg): return b"\x00" + struct.pack(">I", len(msg)) + msg
with open(work + "/empty.grpc", "wb") as f:
    f.write(frame(b""))
ct = b"application/octet-stream"
first = b"\x0a" + varint(len(ct)) + ct + b"\x12" + varint(mib) + block
rest = frame(b"\x12" + varint(mib) + block)
with open(work + "/upload.grpc", "wb") as f:
    f.write(frame(first))
    for _ in range(size // mib - 1):
        f.write(rest)
PY

used_max() { # jstat output file -> max used KiB
  awk '/EU/ { for (i = 1; i <= NF; i++) col[$i] = i; next }
       col["EU"] && NF > 4 { u = $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]; if (u > m) m = u }
       END { printf "%d", m }' "$1"
}
live_max() { # GC log lines -> max heap occupancy after a collection, KiB ("...: 120M->45M(256M) ...")
  python3 -c '
import re, sys
units = {"K": 1, "M": 1024, "G": 1024 * 1024}
best = 0
for line in sys.stdin:
    for m in re.finditer(r"->(\d+)([KMG])\(", line):
        best = max(best, int(m.group(1)) * units[m.group(2)])
print(best)'
}
phase() { # NAME COMMAND... : runs COMMAND while jstat samples; prints duration and heap maxima
  local name=$1; shift
  jcmd "$GF_PID" GC.run >/dev/null # each phase starts from a collected heap
  local gc_from; gc_from=$(($(wc -l < "$WORK/gc.log") + 1))
  jstat -gc "$GF_PID" 200 > "$WORK/$name.jstat" &
  SAMPLER=$!
  sleep 0.5
  local t0 t1 status
  t0=$(date +%s.%N)
  status=$("$@" 2>&1 | grep -E 'grpc-status|x-http-code' | tr -s ' \n' ' ' || true)
  t1=$(date +%s.%N)
  sleep 0.5
  kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=
  local max; max=$(used_max "$WORK/$name.jstat")
  eval "MAX_$name=$max"
  # The phase's collections, and the full collection that opened it (its after-value is
  # the phase's starting point, so idle's live figure is the heap right after GC.run).
  local live; live=$(tail -n +"$((gc_from - 1))" "$WORK/gc.log" | grep -E 'Pause' | live_max)
  eval "LIVE_$name=$live"
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); n=int(sys.argv[3]); print(f'{sys.argv[4]}: {s:.1f} s, {n/1e6/s:.1f} MB/s' if n else f'{sys.argv[4]}: {s:.1f} s')" \
    "$t0" "$t1" "$([[ $name == idle ]] && echo 0 || echo "$SIZE")" "$name"
  echo "  heap live max $((live / 1024)) MiB, used max $((max / 1024)) MiB${status:+; $status}"
}
grpc() { # ORIGINAL_METHOD ORIGINAL_PATH DATA_FILE
  nghttp -v -n -t 0 --no-content-length -w 20 -W 24 \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    -H "x-envoy-original-method: $1" -H "x-envoy-original-path: $2" \
    -d "$3" "http://127.0.0.1:$PORT/grpcconnector.v1.HttpService/Stream"
}

phase idle sleep 3
phase download grpc GET "/app/bytes?size=$SIZE" "$WORK/empty.grpc"
phase upload grpc POST "/app/upload" "$WORK/upload.grpc"
echo "live high-water above idle: download $(((LIVE_download - LIVE_idle) / 1024)) MiB, upload $(((LIVE_upload - LIVE_idle) / 1024)) MiB"
echo "used high-water above idle (garbage included): download $(((MAX_download - MAX_idle) / 1024)) MiB, upload $(((MAX_upload - MAX_idle) / 1024)) MiB"
