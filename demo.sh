#!/usr/bin/env bash
# Demo: builds the project, starts GlassFish 8.0.0 (unpacked into target/demo/) with the
# HTTP-over-gRPC connector, the sample EAR on /sample (and the test web app on /app), and
# the development edge in front of it (the stand-in for Envoy: browser HTTP in, gRPC to
# the connector out), then prints the URL to open. GlassFish and the edge keep running;
# `./demo.sh stop` stops both.
#
#   browser ──HTTP──▶ dev edge :8080 ──gRPC (h2c)──▶ connector :8081 ──▶ GlassFish ──▶ sample EAR
#
# Ports: edge 8080, gRPC 8081, GlassFish's own HTTP listener 8082 (direct, for comparison),
# admin 4848. To use others (e.g. when those are taken), set DEMO_PORTBASE=N: domain1 is
# then re-created with asadmin's --portbase N (admin N+48, ...), the edge gets N+80, the
# gRPC listener N+90 and GlassFish's HTTP listener N+82.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$(pwd)
DEMO_DIR=$ROOT/target/demo
GF_HOME=$DEMO_DIR/glassfish8
WAR=$ROOT/test-webapp/target/grpc-connector-test-webapp.war
EAR=$ROOT/sample-ear/sample-ear-package/target/sample-ear.ear
EDGE_JAR=$ROOT/dev-edge/target/dev-edge.jar
EDGE_PID=$DEMO_DIR/edge.pid
GLASSFISH_VERSION=8.0.0

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo.sh: error: %s\n' "$*" >&2; exit 1; }
quiet() { # runs a command, shows its output only when it fails
  local out
  if ! out=$("$@" 2>&1); then
    printf '%s\n' "$out" | tail -n 40 >&2
    die "failed: $*"
  fi
}

# --- a JDK 21+ -----------------------------------------------------------------
java_major() { # JDK_HOME -> major version, or nothing
  local version
  [[ -x $1/bin/java ]] || return 0
  version=$("$1/bin/java" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')
  version=${version#1.} # 1.8.0_x -> 8.0_x
  printf '%s' "${version%%[.+-]*}"
}
is_jdk21() { # JDK_HOME
  local major
  major=$(java_major "$1")
  [[ $major =~ ^[0-9]+$ ]] && ((major >= 21)) && [[ -x $1/bin/javac ]]
}
find_jdk() {
  local candidate
  if [[ -n ${JAVA_HOME:-} ]] && is_jdk21 "$JAVA_HOME"; then
    printf '%s' "$JAVA_HOME"
    return
  fi
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [[ -d $candidate ]] && is_jdk21 "$candidate"; then
      printf '%s' "$candidate"
      return
    fi
  done
}
JDK=$(find_jdk)
[[ -n $JDK ]] || die "no JDK 21 or newer found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm/*). GlassFish 8 needs one: set JAVA_HOME to a JDK 21+"
export JAVA_HOME=$JDK AS_JAVA=$JDK
command -v mvn >/dev/null || die "mvn (Maven 3.8+) is not on the PATH"
MVN=(mvn -B -q)
# Maven's own libraries call sun.misc.Unsafe, which JDK 24+ warns about on every run.
if (($(java_major "$JDK") >= 24)); then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi

# --- ports -------------------------------------------------------------------------
if [[ -n ${DEMO_PORTBASE:-} ]]; then
  if ! [[ $DEMO_PORTBASE =~ ^[0-9]+$ ]] || ((10#$DEMO_PORTBASE < 1024 || 10#$DEMO_PORTBASE > 65400)); then
    die "DEMO_PORTBASE must be a number from 1024 to 65400"
  fi
  DEMO_PORTBASE=$((10#$DEMO_PORTBASE))
  ADMIN_PORT=$((DEMO_PORTBASE + 48)) EDGE_PORT=$((DEMO_PORTBASE + 80)) HTTP_PORT=$((DEMO_PORTBASE + 82))
  GRPC_PORT=$((DEMO_PORTBASE + 90))
else
  ADMIN_PORT=4848 EDGE_PORT=8080 HTTP_PORT=8082 GRPC_PORT=8081
fi
asadmin() { "$GF_HOME/bin/asadmin" --interactive=false --port "$ADMIN_PORT" "$@"; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# What an earlier demo run left running (edge, GlassFish) is stopped first; `stop` ends here.
stop_demo() {
  if [[ -f $EDGE_PID ]] && kill -0 "$(<"$EDGE_PID")" 2>/dev/null; then
    say "Stopping the development edge"
    kill "$(<"$EDGE_PID")"
  fi
  rm -f "$EDGE_PID"
  if [[ -f $GF_HOME/glassfish/domains/domain1/config/pid ]] &&
    kill -0 "$(<"$GF_HOME/glassfish/domains/domain1/config/pid")" 2>/dev/null; then
    say "Stopping GlassFish"
    quiet "$GF_HOME/bin/asadmin" stop-domain domain1
  fi
}
case ${1:-} in
  stop) stop_demo; exit 0 ;;
  '') ;;
  *) die "usage: ./demo.sh [stop]" ;;
esac
stop_demo
for port in "$EDGE_PORT" "$HTTP_PORT" "$ADMIN_PORT" "$GRPC_PORT"; do
  if port_in_use "$port"; then
    die "port $port is already in use (the demo needs edge $EDGE_PORT, GlassFish HTTP $HTTP_PORT, admin $ADMIN_PORT, gRPC $GRPC_PORT). Stop what uses it, or run with DEMO_PORTBASE=N for other ports"
  fi
done

# --- build ---------------------------------------------------------------------
say "Building (mvn -B -q install -DskipTests) with JAVA_HOME=$JAVA_HOME"
mkdir -p "$DEMO_DIR"
if ! "${MVN[@]}" install -DskipTests >"$DEMO_DIR/build.log" 2>&1; then
  tail -n 60 "$DEMO_DIR/build.log" >&2
  die "the build failed (full log: target/demo/build.log)"
fi
for built in "$WAR" "$EAR" "$EDGE_JAR"; do
  [[ -f $built ]] || die "the build did not produce $built"
done

# --- GlassFish -----------------------------------------------------------------
say "Unpacking GlassFish $GLASSFISH_VERSION into $GF_HOME (fresh)"
rm -rf "$GF_HOME"
# overWriteReleases: unpack again although the plugin's marker says it did so before.
quiet "${MVN[@]}" -N org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack \
  -Dartifact="org.glassfish.main.distributions:glassfish:$GLASSFISH_VERSION:zip" \
  -Dmdep.overWriteReleases=true -DoutputDirectory="$DEMO_DIR"
[[ -x $GF_HOME/bin/asadmin ]] || die "unpacking GlassFish failed: no $GF_HOME/bin/asadmin"
# GlassFish's own place for its JDK: asadmin then works from any shell, whatever
# JAVA_HOME says there (e.g. the stop command printed at the end).
printf '\n# Set by demo.sh\nAS_JAVA="%s"\n' "$JDK" >>"$GF_HOME/glassfish/config/asenv.conf"

if [[ -n ${DEMO_PORTBASE:-} ]]; then
  say "Re-creating domain1 with --portbase $DEMO_PORTBASE"
  quiet "$GF_HOME/bin/asadmin" delete-domain domain1
  quiet "$GF_HOME/bin/asadmin" --interactive=false create-domain --nopassword --portbase "$DEMO_PORTBASE" domain1
fi

# GlassFish's own HTTP listener moves off the edge's port (it stays for direct calls).
sed -i -E "s|(<network-listener [^>]*name=\"http-listener-1\"[^>]*port=\")[0-9]+|\1$HTTP_PORT|; s|(<network-listener [^>]*port=\")[0-9]+(\"[^>]*name=\"http-listener-1\")|\1$HTTP_PORT\2|" \
  "$GF_HOME/glassfish/domains/domain1/config/domain.xml"
grep -qE "port=\"$HTTP_PORT\"[^>]*name=\"http-listener-1\"|name=\"http-listener-1\"[^>]*port=\"$HTTP_PORT\"" \
  "$GF_HOME/glassfish/domains/domain1/config/domain.xml" || die "could not move http-listener-1 to port $HTTP_PORT in domain.xml"

say "Starting domain1"
quiet asadmin start-domain domain1

# A new random secret for this run: the edge sends it in every call, the listener
# accepts nothing else (docs/security.md). No line break, as Envoy would need it.
SECRET_FILE=$DEMO_DIR/edge-secret
(umask 077 && head -c 30 /dev/urandom | base64 | tr -d '\n+/=' >"$SECRET_FILE")

say "Installing the connector (glassfish-config/install.sh)"
"$ROOT/glassfish-config/install.sh" "$GF_HOME" --port "$GRPC_PORT" --admin-port "$ADMIN_PORT" --secret-file "$SECRET_FILE"

say "Deploying the sample EAR on /sample and the test web app on /app"
quiet asadmin deploy --force=true "$EAR"
quiet asadmin deploy --force=true --contextroot app "$WAR"

say "Starting the development edge on port $EDGE_PORT (log: target/demo/edge.log)"
nohup "$JDK/bin/java" -jar "$EDGE_JAR" --port="$EDGE_PORT" --backend="127.0.0.1:$GRPC_PORT" \
  --secret-file="$SECRET_FILE" >"$DEMO_DIR/edge.log" 2>&1 &
echo $! >"$EDGE_PID"
for _ in $(seq 1 50); do
  port_in_use "$EDGE_PORT" && break
  kill -0 "$(<"$EDGE_PID")" 2>/dev/null || { tail -n 20 "$DEMO_DIR/edge.log" >&2; die "the development edge did not start"; }
  sleep 0.2
done
port_in_use "$EDGE_PORT" || die "the development edge does not listen on port $EDGE_PORT; see target/demo/edge.log"

printf '\0\0\0\0\0' >"$DEMO_DIR/empty-httpbody.bin" # gRPC frame: uncompressed, length 0 = empty HttpBody

# Smoke checks: the sample app through the edge and the connector, and directly.
if command -v curl >/dev/null; then
  for url in "http://localhost:$EDGE_PORT/sample/" "http://localhost:$HTTP_PORT/app/echo?hello=world"; do
    status=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
    [[ $status == 200 ]] || die "$url answered HTTP $status instead of 200; see target/demo/edge.log and $GF_HOME/glassfish/domains/domain1/logs/server.log"
  done
fi

cat <<EOF

GlassFish $GLASSFISH_VERSION is running with the HTTP-over-gRPC connector, behind the
development edge (production uses Envoy: see docs/envoy.md and docker-compose.yml).

Open the sample application in a browser (sign in as demo / demo):
  http://localhost:$EDGE_PORT/sample/

Every request there goes browser -> edge -> gRPC HttpService/Stream -> connector ->
GlassFish. The same application directly, without the connector:
  http://localhost:$HTTP_PORT/sample/

Direct HTTP call to the test app:
  curl 'http://localhost:$HTTP_PORT/app/echo?hello=world'

The same request as Envoy sends it, a gRPC call over h2c, from the repository root (nghttp is in Debian's
nghttp2-client package), with this run's secret (target/demo/edge-secret; without it the
listener answers grpc-status 16, UNAUTHENTICATED). The body is one gRPC frame holding an
empty google.api.HttpBody; the answer is HTTP/2 with content-type application/grpc,
x-http-code, the echo JSON inside an HttpBody frame, and grpc-status 0 in the trailers:
  nghttp -v -H ':method: POST' -H 'content-type: application/grpc' -H 'te: trailers' -H "x-grpc-connector-secret: \$(cat target/demo/edge-secret)" -H 'x-envoy-original-method: GET' -H 'x-envoy-original-path: /app/echo?hello=world' -d target/demo/empty-httpbody.bin http://localhost:$GRPC_PORT/grpcconnector.v1.HttpService/Handle

Admin console: http://localhost:$ADMIN_PORT   Server log: target/demo/glassfish8/glassfish/domains/domain1/logs/server.log

Stop the edge and GlassFish:
  ./demo.sh stop
EOF
