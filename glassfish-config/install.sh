#!/usr/bin/env bash
# Installs the HTTP-over-gRPC connector into a GlassFish 8 domain: copies the
# connector bundle into glassfish/modules and creates (or updates) the
# grpc-listener network listener, its protocol and its thread pool.
# Idempotent: running it again with other options updates the values.
# See docs/configuration.md.
set -euo pipefail

PROG=install.sh
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$SCRIPT_DIR/common.sh"

usage() {
  cat <<EOF
Usage: $PROG GLASSFISH_HOME [options]

Installs the HTTP-over-gRPC connector into a GlassFish 8 domain, or updates
an earlier installation. GLASSFISH_HOME is the directory holding bin/asadmin
and glassfish/modules (e.g. .../glassfish8).

It copies the connector jar to GLASSFISH_HOME/glassfish/modules/$MODULE_JAR_NAME
and creates or updates, through asadmin:
  thread pool       $POOL_NAME
  protocol          $PROTOCOL_NAME with an <http> element (h2c, connector on)
  network listener  $LISTENER_NAME
A running domain is restarted afterwards (a new module is only loaded on
start); a stopped domain is started, configured and stopped again.

Options:
  --domain NAME             domain to configure (default: domain1)
  --port N                  port of the gRPC listener (default: 8081)
  --address ADDR            address the gRPC listener binds to (default:
                            127.0.0.1; any other address needs a secret
                            or TLS with client certificates)

The edge's credential (docs/security.md); the listener serves nobody without one:
  --secret-file FILE        the shared secret the edge sends in the
                            x-grpc-connector-secret metadata (16+ printable
                            ASCII characters, e.g. base64): stored in the
                            password alias $SECRET_ALIAS, the listener reads it
                            from there. Without this option an existing alias
                            is kept, and on a loopback address a new random
                            secret is generated into
                            DOMAIN_DIR/config/$SECRET_ALIAS (mode 600)
  --secret-path PATH        instead of an alias: the listener reads the secret
                            from PATH at every start (a Docker or Kubernetes
                            secret mount); PATH need not exist yet
  --previous-secret-file FILE
                            during a rotation: a second secret still accepted
                            (alias $PREVIOUS_SECRET_ALIAS); a run without it ends
                            the rotation and deletes that alias
  --insecure                no credential at all, for local development on a
                            loopback address only (GlassFish logs a WARNING at
                            every start)

Mutual TLS (h2 over TLS, client certificates required; a credential of its own,
enough for a non-loopback address; with a secret too, both are required):
  --tls-keystore FILE       PKCS12/JKS keystore with the listener's key and
                            certificate chain
  --tls-keystore-password-file FILE
                            its password (stored in the password alias
                            $TLS_KEYSTORE_PASSWORD_ALIAS)
  --tls-cert-nickname NAME  the key entry to use (default: the only one)
  --tls-truststore FILE     PKCS12/JKS truststore with the CA(s) of the edge's
                            client certificates (nothing else is trusted)
  --tls-truststore-password-file FILE
                            its password (alias $TLS_TRUSTSTORE_PASSWORD_ALIAS)
  --allowed-client-identities LIST
                            ';'-separated subject DNs (CN=envoy,O=Example) or
                            URI SANs (spiffe://example.org/envoy) accepted;
                            default: any certificate of the truststore's CAs
  --no-tls                  back to h2c: removes the TLS settings and aliases
  With --tls-keystore and without --secret-file/--secret-path the certificate
  is the only credential (an existing secret is removed). A run without TLS
  options keeps the listener's TLS as it is.

  --pool-size N             max threads of $POOL_NAME (default: 64; min
                            size is 8, or N if smaller)
  --trusted-hops N          grpc-connector-trusted-proxy-hops: proxies in front
                            of the connector that append to X-Forwarded-For
                            (default: 1, Envoy; 0 = use the TCP peer)
  --max-message-bytes N     grpc-connector-max-message-bytes: largest gRPC
                            request message accepted (default: 16777216)
  --drain-seconds N         grpc-connector-shutdown-drain-seconds: how long the
                            listener keeps serving, health NOT_SERVING, once
                            GlassFish starts shutting down (default: 0)
  --max-header-list-bytes N http2-max-header-list-size-in-bytes of the listener:
                            largest request header list, decoded, as HTTP/2
                            counts it (default: 81920, above Envoy's 60 KiB
                            max_request_headers_kb; GlassFish's own is 4096)
  --max-concurrent-streams N
                            http2-max-concurrent-streams of the listener:
                            streams per connection, advertised in SETTINGS
                            (default: 2048, above the 1024 envoy.yaml lets
                            Envoy open; GlassFish's own is 100)
  --idle-timeout SECONDS    timeout-seconds of the listener: idle connection
                            timeout (default: 3900, above Envoy's 1 h upstream
                            idle timeout; -1 disables it)
  --admin-port N            admin port of the domain, passed to asadmin as
                            --port (default: the domain's own, 4848 for a
                            stock domain1)
  --jar PATH                connector jar to install (default: the newest
                            connector/target/grpc-connector-*.jar of this
                            source tree)
  -h, --help                show this help

asadmin reads AS_ADMIN_USER / AS_ADMIN_PASSWORDFILE for a domain with an
admin password. GlassFish 8 needs JDK 21+: set JAVA_HOME or AS_JAVA.
EOF
}

GLASSFISH_HOME=""
DOMAIN=domain1
LISTEN_PORT=8081
LISTEN_ADDRESS=127.0.0.1
SECRET_FILE=""
SECRET_PATH=""
PREVIOUS_SECRET_FILE=""
INSECURE=false
TLS_KEYSTORE=""
TLS_KEYSTORE_PASSWORD_FILE=""
TLS_CERT_NICKNAME=""
TLS_TRUSTSTORE=""
TLS_TRUSTSTORE_PASSWORD_FILE=""
ALLOWED_CLIENT_IDENTITIES=""
NO_TLS=false
POOL_SIZE=64
TRUSTED_HOPS=1
MAX_MESSAGE_BYTES=16777216
DRAIN_SECONDS=0
IDLE_TIMEOUT=3900
MAX_HEADER_LIST_BYTES=81920
MAX_CONCURRENT_STREAMS=2048
ADMIN_PORT=""
JAR=""

while (($# > 0)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --domain | --domain=*) DOMAIN=$(option_value "$1" "${2-}") ;;
    --port | --port=*) LISTEN_PORT=$(option_value "$1" "${2-}") ;;
    --address | --address=*) LISTEN_ADDRESS=$(option_value "$1" "${2-}") ;;
    --secret-file | --secret-file=*) SECRET_FILE=$(option_value "$1" "${2-}") ;;
    --secret-path | --secret-path=*) SECRET_PATH=$(option_value "$1" "${2-}") ;;
    --previous-secret-file | --previous-secret-file=*) PREVIOUS_SECRET_FILE=$(option_value "$1" "${2-}") ;;
    --insecure) INSECURE=true; shift; continue ;;
    --tls-keystore | --tls-keystore=*) TLS_KEYSTORE=$(option_value "$1" "${2-}") ;;
    --tls-keystore-password-file | --tls-keystore-password-file=*) TLS_KEYSTORE_PASSWORD_FILE=$(option_value "$1" "${2-}") ;;
    --tls-cert-nickname | --tls-cert-nickname=*) TLS_CERT_NICKNAME=$(option_value "$1" "${2-}") ;;
    --tls-truststore | --tls-truststore=*) TLS_TRUSTSTORE=$(option_value "$1" "${2-}") ;;
    --tls-truststore-password-file | --tls-truststore-password-file=*) TLS_TRUSTSTORE_PASSWORD_FILE=$(option_value "$1" "${2-}") ;;
    --allowed-client-identities | --allowed-client-identities=*) ALLOWED_CLIENT_IDENTITIES=$(option_value "$1" "${2-}") ;;
    --no-tls) NO_TLS=true; shift; continue ;;
    --pool-size | --pool-size=*) POOL_SIZE=$(option_value "$1" "${2-}") ;;
    --trusted-hops | --trusted-hops=*) TRUSTED_HOPS=$(option_value "$1" "${2-}") ;;
    --max-message-bytes | --max-message-bytes=*) MAX_MESSAGE_BYTES=$(option_value "$1" "${2-}") ;;
    --drain-seconds | --drain-seconds=*) DRAIN_SECONDS=$(option_value "$1" "${2-}") ;;
    --idle-timeout | --idle-timeout=*) IDLE_TIMEOUT=$(option_value "$1" "${2-}") ;;
    --max-header-list-bytes | --max-header-list-bytes=*) MAX_HEADER_LIST_BYTES=$(option_value "$1" "${2-}") ;;
    --max-concurrent-streams | --max-concurrent-streams=*) MAX_CONCURRENT_STREAMS=$(option_value "$1" "${2-}") ;;
    --admin-port | --admin-port=*) ADMIN_PORT=$(option_value "$1" "${2-}") ;;
    --jar | --jar=*) JAR=$(option_value "$1" "${2-}") ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *)
      [[ -z $GLASSFISH_HOME ]] || die "unexpected argument '$1' (see --help)"
      GLASSFISH_HOME=$1
      shift
      continue
      ;;
  esac
  # Options given as "--opt value" consume two arguments.
  if [[ $1 == *=* ]]; then shift; else shift 2; fi
done

[[ -n $GLASSFISH_HOME ]] || { usage >&2; exit 2; }
[[ -n $DOMAIN && $DOMAIN != */* ]] || die "invalid domain name '$DOMAIN'"
require_int --port "$LISTEN_PORT" 1 65535
require_int --pool-size "$POOL_SIZE" 1
require_int --trusted-hops "$TRUSTED_HOPS" 0 255
require_int --max-message-bytes "$MAX_MESSAGE_BYTES" 1 2147483647
require_int --drain-seconds "$DRAIN_SECONDS" 0 3600
require_int --idle-timeout "$IDLE_TIMEOUT" -1 2147483647
require_int --max-header-list-bytes "$MAX_HEADER_LIST_BYTES" 1024 16777215
# The connector lets Grizzly itself accept twice as many (grizzly#2304, see docs/configuration.md).
require_int --max-concurrent-streams "$MAX_CONCURRENT_STREAMS" 1 1073741823
[[ -z $ADMIN_PORT ]] || require_int --admin-port "$ADMIN_PORT" 1 65535
# Normalise (no leading zeros) so values read back from asadmin compare equal.
LISTEN_PORT=$((10#$LISTEN_PORT)) POOL_SIZE=$((10#$POOL_SIZE)) TRUSTED_HOPS=$((10#$TRUSTED_HOPS))
MAX_MESSAGE_BYTES=$((10#$MAX_MESSAGE_BYTES)) DRAIN_SECONDS=$((10#$DRAIN_SECONDS))
MAX_HEADER_LIST_BYTES=$((10#$MAX_HEADER_LIST_BYTES)) MAX_CONCURRENT_STREAMS=$((10#$MAX_CONCURRENT_STREAMS))
MIN_POOL_SIZE=$((POOL_SIZE < 8 ? POOL_SIZE : 8))

# --- the edge's credential: checked before anything is changed ---------------
[[ -n $LISTEN_ADDRESS && $LISTEN_ADDRESS != *[[:space:]]* ]] || die "invalid --address '$LISTEN_ADDRESS'"
[[ -z $SECRET_FILE || -z $SECRET_PATH ]] || die "--secret-file and --secret-path exclude each other"
[[ -z $PREVIOUS_SECRET_FILE || -n $SECRET_FILE ]] || die "--previous-secret-file needs --secret-file (the new secret)"
TLS=false
if [[ -n $TLS_KEYSTORE$TLS_KEYSTORE_PASSWORD_FILE$TLS_CERT_NICKNAME$TLS_TRUSTSTORE$TLS_TRUSTSTORE_PASSWORD_FILE$ALLOWED_CLIENT_IDENTITIES ]]; then
  [[ $NO_TLS == false ]] || die "--no-tls contradicts the --tls-*/--allowed-client-identities options"
  [[ -n $TLS_KEYSTORE && -n $TLS_KEYSTORE_PASSWORD_FILE && -n $TLS_TRUSTSTORE ]] ||
    die "TLS needs --tls-keystore, --tls-keystore-password-file and --tls-truststore (client certificates are required, and only the truststore's CAs are trusted)"
  TLS=true
fi
if [[ $INSECURE == true ]]; then
  [[ -z $SECRET_FILE && -z $SECRET_PATH ]] || die "--insecure contradicts --secret-file/--secret-path"
  [[ $TLS == false ]] || die "--insecure contradicts the TLS options"
  is_loopback "$LISTEN_ADDRESS" || die "--insecure is for development on a loopback address only, not on $LISTEN_ADDRESS: give --secret-file FILE (docs/security.md)"
elif [[ -z $SECRET_FILE && -z $SECRET_PATH && $TLS == false ]] && ! is_loopback "$LISTEN_ADDRESS"; then
  die "refusing to open the gRPC listener on $LISTEN_ADDRESS without a credential: anything that reaches it could pose as Envoy. Give --secret-file FILE (or --secret-path PATH), or mutual TLS (--tls-keystore ... --tls-truststore ...), see docs/security.md"
fi
TLS_KEYSTORE_PASSWORD=""
TLS_TRUSTSTORE_PASSWORD=""
if [[ $TLS == true ]]; then
  TLS_KEYSTORE=$(readable_file --tls-keystore "$TLS_KEYSTORE")
  TLS_TRUSTSTORE=$(readable_file --tls-truststore "$TLS_TRUSTSTORE")
  TLS_KEYSTORE_PASSWORD=$(read_password_file --tls-keystore-password-file "$TLS_KEYSTORE_PASSWORD_FILE")
  [[ -z $TLS_TRUSTSTORE_PASSWORD_FILE ]] ||
    TLS_TRUSTSTORE_PASSWORD=$(read_password_file --tls-truststore-password-file "$TLS_TRUSTSTORE_PASSWORD_FILE")
  [[ $TLS_CERT_NICKNAME != *[[:space:]]* ]] || die "invalid --tls-cert-nickname '$TLS_CERT_NICKNAME'"
  [[ $ALLOWED_CLIENT_IDENTITIES != *[[:space:]]* ]] ||
    die "--allowed-client-identities: write the list without spaces (CN=envoy,O=Example;spiffe://example.org/envoy)"
fi
SECRET=""
PREVIOUS_SECRET=""
[[ -z $SECRET_FILE ]] || SECRET=$(read_secret_file --secret-file "$SECRET_FILE")
[[ -z $PREVIOUS_SECRET_FILE ]] || PREVIOUS_SECRET=$(read_secret_file --previous-secret-file "$PREVIOUS_SECRET_FILE")
[[ -z $SECRET_PATH || $SECRET_PATH == /* ]] || die "--secret-path must be an absolute path, not '$SECRET_PATH'"

# --- the jar ---------------------------------------------------------------
if [[ -z $JAR ]]; then
  target_dir=$SCRIPT_DIR/../connector/target
  for candidate in "$target_dir"/grpc-connector-*.jar; do
    [[ -f $candidate ]] || continue
    case $candidate in *-sources.jar | *-javadoc.jar | *-tests.jar) continue ;; esac
    if [[ -z $JAR || $candidate -nt $JAR ]]; then JAR=$candidate; fi
  done
  [[ -n $JAR ]] || die "no connector jar found in $(cd "$SCRIPT_DIR/.." && pwd)/connector/target (grpc-connector-*.jar): build it first with 'mvn -B install -DskipTests', or pass --jar PATH"
fi
[[ -f $JAR ]] || die "connector jar '$JAR' does not exist"
[[ $(head -c 2 "$JAR") == PK ]] || die "'$JAR' is not a jar (zip) file"
JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")

# Writes the alias password file asadmin needs (with the admin password file's
# lines, if one is in use: asadmin takes one --passwordfile). Prints its path.
alias_password_file() { # SECRET
  local file
  file=$(umask 077 && mktemp "${TMPDIR:-/tmp}/grpc-connector-alias.XXXXXX")
  TEMP_FILES+=("$file")
  if [[ -n ${AS_ADMIN_PASSWORDFILE:-} ]]; then
    cat "$AS_ADMIN_PASSWORDFILE" >>"$file"
    printf '\n' >>"$file"
  fi
  # A Java properties file: a backslash would start an escape.
  printf 'AS_ADMIN_ALIASPASSWORD=%s\n' "${1//\\/\\\\}" >>"$file"
  printf '%s' "$file"
}

# Creates or updates password alias NAME holding SECRET.
store_alias() { # NAME SECRET
  local file verb=create-password-alias
  file=$(alias_password_file "$2")
  alias_exists "$1" && verb=update-password-alias
  gf_do --passwordfile "$file" "$verb" "$1"
  log "${verb%%-*}d password alias $1"
}

# TLS_STATE: configure (TLS options given), remove (--no-tls), keep (neither, and
# the listener has TLS) or none.
tls_state() {
  if [[ $TLS == true ]]; then
    printf configure
  elif [[ $NO_TLS == true ]]; then
    printf remove
  elif [[ -n $(gf_value "$HTTP_DOTTED.property.grpc-connector-tls-keystore") ]]; then
    printf keep
  else
    printf none
  fi
}

# Sets (or removes) the listener's TLS: protocol security-enabled, properties, password aliases.
configure_tls() {
  case $TLS_STATE in
    configure)
      store_alias "$TLS_KEYSTORE_PASSWORD_ALIAS" "$TLS_KEYSTORE_PASSWORD"
      local truststore_password_property=""
      if [[ -n $TLS_TRUSTSTORE_PASSWORD ]]; then
        store_alias "$TLS_TRUSTSTORE_PASSWORD_ALIAS" "$TLS_TRUSTSTORE_PASSWORD"
        truststore_password_property="\${ALIAS=$TLS_TRUSTSTORE_PASSWORD_ALIAS}"
      else
        delete_alias "$TLS_TRUSTSTORE_PASSWORD_ALIAS"
      fi
      gf_do set "$PROTOCOL_DOTTED.security-enabled=true" \
        "$HTTP_DOTTED.property.grpc-connector-tls-keystore=$TLS_KEYSTORE" \
        "$HTTP_DOTTED.property.grpc-connector-tls-keystore-password=\${ALIAS=$TLS_KEYSTORE_PASSWORD_ALIAS}" \
        "$HTTP_DOTTED.property.grpc-connector-tls-keystore-password-file=" \
        "$HTTP_DOTTED.property.grpc-connector-tls-cert-nickname=$TLS_CERT_NICKNAME" \
        "$HTTP_DOTTED.property.grpc-connector-tls-truststore=$TLS_TRUSTSTORE" \
        "$HTTP_DOTTED.property.grpc-connector-tls-truststore-password=$truststore_password_property" \
        "$HTTP_DOTTED.property.grpc-connector-tls-truststore-password-file=" \
        "$HTTP_DOTTED.property.grpc-connector-allowed-client-identities=$ALLOWED_CLIENT_IDENTITIES"
      log "TLS: h2 over TLS with client certificates required (keystore $TLS_KEYSTORE, truststore $TLS_TRUSTSTORE${ALLOWED_CLIENT_IDENTITIES:+, allowed identities $ALLOWED_CLIENT_IDENTITIES})"
      ;;
    remove)
      gf_do set "$PROTOCOL_DOTTED.security-enabled=false" \
        "$HTTP_DOTTED.property.grpc-connector-tls-keystore=" \
        "$HTTP_DOTTED.property.grpc-connector-tls-keystore-password=" \
        "$HTTP_DOTTED.property.grpc-connector-tls-keystore-password-file=" \
        "$HTTP_DOTTED.property.grpc-connector-tls-cert-nickname=" \
        "$HTTP_DOTTED.property.grpc-connector-tls-truststore=" \
        "$HTTP_DOTTED.property.grpc-connector-tls-truststore-password=" \
        "$HTTP_DOTTED.property.grpc-connector-tls-truststore-password-file=" \
        "$HTTP_DOTTED.property.grpc-connector-allowed-client-identities="
      delete_alias "$TLS_KEYSTORE_PASSWORD_ALIAS"
      delete_alias "$TLS_TRUSTSTORE_PASSWORD_ALIAS"
      log "TLS removed: the listener speaks h2c"
      ;;
    keep) log "keeping the listener's TLS settings" ;;
    none) ;;
  esac
}

# Sets the listener's credential properties (and aliases) from the options.
configure_edge_credential() {
  local secret_property="" path_property="" previous_property="" insecure_property=""
  if [[ $INSECURE == true ]]; then
    insecure_property=true
    delete_alias "$PREVIOUS_SECRET_ALIAS"
    log "INSECURE: no credential; the listener trusts every caller on $LISTEN_ADDRESS (development only)"
  elif [[ -n $SECRET_PATH ]]; then
    path_property=$SECRET_PATH
    delete_alias "$PREVIOUS_SECRET_ALIAS"
    log "the listener reads the edge's secret from $SECRET_PATH at every start"
  else
    local have_secret=true
    if [[ -n $SECRET ]]; then
      store_alias "$SECRET_ALIAS" "$SECRET"
    elif [[ $TLS_STATE == configure ]]; then
      # Mutual TLS alone, as asked: no secret.
      have_secret=false
      delete_alias "$SECRET_ALIAS"
      rm -f "$DOMAIN_DIR/config/$SECRET_ALIAS"
      log "no shared secret: the client certificate is the edge's credential"
    elif alias_exists "$SECRET_ALIAS"; then
      log "keeping the existing secret (password alias $SECRET_ALIAS)"
    elif [[ $TLS_STATE == keep ]]; then
      have_secret=false
      log "no shared secret: the client certificate is the edge's credential"
    else
      local generated=$DOMAIN_DIR/config/$SECRET_ALIAS
      (umask 077 && head -c 30 /dev/urandom | base64 | tr -d '\n+/=' >"$generated")
      store_alias "$SECRET_ALIAS" "$(<"$generated")"
      log "generated a random secret into $generated: the edge must send it in x-grpc-connector-secret (docs/security.md)"
    fi
    [[ $have_secret == false ]] || secret_property="\${ALIAS=$SECRET_ALIAS}"
    if [[ -n $PREVIOUS_SECRET ]]; then
      store_alias "$PREVIOUS_SECRET_ALIAS" "$PREVIOUS_SECRET"
      previous_property="\${ALIAS=$PREVIOUS_SECRET_ALIAS}"
    else
      delete_alias "$PREVIOUS_SECRET_ALIAS"
    fi
  fi
  # An empty value removes the property.
  gf_do set \
    "$HTTP_DOTTED.property.grpc-connector-secret=$secret_property" \
    "$HTTP_DOTTED.property.grpc-connector-secret-file=$path_property" \
    "$HTTP_DOTTED.property.grpc-connector-previous-secret=$previous_property" \
    "$HTTP_DOTTED.property.grpc-connector-insecure=$insecure_property"
}

TEMP_FILES=()
on_exit() {
  ((${#TEMP_FILES[@]} == 0)) || rm -f "${TEMP_FILES[@]}"
  gf_leave_as_found
}

gf_init_domain
trap on_exit EXIT

log "GlassFish: $GLASSFISH_HOME, domain '$DOMAIN' (admin port $ADMIN_PORT, $([[ $WAS_RUNNING == true ]] && echo running || echo stopped))"

# --- checks ---------------------------------------------------------------
# The port must be free, unless it is our own listener that holds it.
if [[ $WAS_RUNNING == true ]]; then
  current_port=$(gf_value "$LISTENER_DOTTED.port")
else
  current_port=""
fi
if [[ $current_port != "$LISTEN_PORT" ]] && port_in_use "$LISTEN_PORT"; then
  die "port $LISTEN_PORT is already in use on this machine: choose another with --port"
fi

gf_ensure_running

# ... and no other listener of the domain may be configured on it.
other=$(gf get "$CONFIG_PREFIX.network-config.network-listeners.*" 2>/dev/null |
  grep -E "\.port=${LISTEN_PORT}\$" | grep -vF ".network-listener.${LISTENER_NAME}.port=" || true)
if [[ -n $other ]]; then
  other=${other%%$'\n'*}
  other=${other#*.network-listener.}
  die "listener '${other%.port=*}' of domain '$DOMAIN' already uses port $LISTEN_PORT: choose another with --port"
fi

# --- the module ------------------------------------------------------------
MODULE_JAR=$GLASSFISH_HOME/glassfish/modules/$MODULE_JAR_NAME
if [[ -f $MODULE_JAR ]] && cmp -s "$JAR" "$MODULE_JAR"; then
  log "module $MODULE_JAR is up to date ($JAR)"
else
  action=installed
  [[ -f $MODULE_JAR ]] && action=replaced
  cp "$JAR" "$MODULE_JAR.tmp.$$"
  mv -f "$MODULE_JAR.tmp.$$" "$MODULE_JAR"
  log "$action module $MODULE_JAR (from $JAR)"
fi

# --- the domain configuration ----------------------------------------------
if gf_exists "$POOL_DOTTED.name"; then
  gf_do set "$POOL_DOTTED.min-thread-pool-size=$MIN_POOL_SIZE" "$POOL_DOTTED.max-thread-pool-size=$POOL_SIZE"
  log "updated thread pool $POOL_NAME (max $POOL_SIZE, min $MIN_POOL_SIZE threads)"
else
  gf_do create-threadpool --maxthreadpoolsize "$POOL_SIZE" --minthreadpoolsize "$MIN_POOL_SIZE" "$POOL_NAME"
  log "created thread pool $POOL_NAME (max $POOL_SIZE, min $MIN_POOL_SIZE threads)"
fi

if gf_exists "$PROTOCOL_DOTTED.name"; then
  log "protocol $PROTOCOL_NAME exists"
else
  gf_do create-protocol "$PROTOCOL_NAME"
  log "created protocol $PROTOCOL_NAME"
fi
if gf_exists "$HTTP_DOTTED.timeout-seconds"; then
  gf_do set "$HTTP_DOTTED.default-virtual-server=server"
else
  gf_do create-http --default-virtual-server server "$PROTOCOL_NAME"
  log "created the <http> element of protocol $PROTOCOL_NAME"
fi
gf_do set \
  "$HTTP_DOTTED.comet-support-enabled=true" \
  "$HTTP_DOTTED.scheme-mapping=x-forwarded-proto" \
  "$HTTP_DOTTED.timeout-seconds=$IDLE_TIMEOUT" \
  "$HTTP_DOTTED.http2-enabled=true" \
  "$HTTP_DOTTED.http2-max-header-list-size-in-bytes=$MAX_HEADER_LIST_BYTES" \
  "$HTTP_DOTTED.http2-max-concurrent-streams=$MAX_CONCURRENT_STREAMS" \
  "$HTTP_DOTTED.property.grpc-connector=true" \
  "$HTTP_DOTTED.property.grpc-connector-trusted-proxy-hops=$TRUSTED_HOPS" \
  "$HTTP_DOTTED.property.grpc-connector-max-message-bytes=$MAX_MESSAGE_BYTES" \
  "$HTTP_DOTTED.property.grpc-connector-shutdown-drain-seconds=$DRAIN_SECONDS"
log "set on $PROTOCOL_NAME <http>: comet-support-enabled=true scheme-mapping=x-forwarded-proto timeout-seconds=$IDLE_TIMEOUT http2-enabled=true http2-max-header-list-size-in-bytes=$MAX_HEADER_LIST_BYTES http2-max-concurrent-streams=$MAX_CONCURRENT_STREAMS"
log "set on $PROTOCOL_NAME <http> properties: grpc-connector=true grpc-connector-trusted-proxy-hops=$TRUSTED_HOPS grpc-connector-max-message-bytes=$MAX_MESSAGE_BYTES grpc-connector-shutdown-drain-seconds=$DRAIN_SECONDS"

TLS_STATE=$(tls_state)
configure_tls
configure_edge_credential

if gf_exists "$LISTENER_DOTTED.name"; then
  gf_do set \
    "$LISTENER_DOTTED.protocol=$PROTOCOL_NAME" \
    "$LISTENER_DOTTED.thread-pool=$POOL_NAME" \
    "$LISTENER_DOTTED.port=$LISTEN_PORT" \
    "$LISTENER_DOTTED.address=$LISTEN_ADDRESS" \
    "$LISTENER_DOTTED.enabled=true"
  log "updated network listener $LISTENER_NAME ($LISTEN_ADDRESS port $LISTEN_PORT)"
else
  gf_do create-network-listener --listenerport "$LISTEN_PORT" --address "$LISTEN_ADDRESS" --protocol "$PROTOCOL_NAME" \
    --threadpool "$POOL_NAME" "$LISTENER_NAME"
  log "created network listener $LISTENER_NAME ($LISTEN_ADDRESS port $LISTEN_PORT)"
fi

# --- leave the domain as found ---------------------------------------------
if [[ $WAS_RUNNING == true ]]; then
  gf_restart
  log "done: domain '$DOMAIN' is running; gRPC listener on $LISTEN_ADDRESS port $LISTEN_PORT ($([[ $TLS_STATE == configure || $TLS_STATE == keep ]] && echo "h2 over TLS, client certificates required" || echo h2c))"
else
  gf_leave_as_found
  log "done: domain '$DOMAIN' is stopped, as it was; the gRPC listener (port $LISTEN_PORT) starts with it"
fi
