#!/usr/bin/env bash
# Removes what install.sh added to a GlassFish 8 domain: the grpc-listener
# network listener, its protocol, its thread pool and the connector module.
# Idempotent: whatever is already gone is skipped. See docs/configuration.md.
set -euo pipefail

PROG=uninstall.sh
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$SCRIPT_DIR/common.sh"

usage() {
  cat <<EOF
Usage: $PROG GLASSFISH_HOME [options]

Removes the HTTP-over-gRPC connector from a GlassFish 8 domain: deletes the
network listener $LISTENER_NAME, the protocol $PROTOCOL_NAME and the thread
pool $POOL_NAME where present, and removes
GLASSFISH_HOME/glassfish/modules/$MODULE_JAR_NAME. A running domain is
restarted when something was removed; a stopped domain is left stopped.
GLASSFISH_HOME is the directory holding bin/asadmin and glassfish/modules.

Options:
  --domain NAME      domain to clean up (default: domain1)
  --admin-port N     admin port of the domain, passed to asadmin as --port
                     (default: the domain's own, 4848 for a stock domain1)
  -h, --help         show this help

The module jar is shared by all domains of the installation: it is removed
even if other domains still use the connector (their listeners then stop
getting the connector filter after a restart).
EOF
}

GLASSFISH_HOME=""
DOMAIN=domain1
ADMIN_PORT=""

while (($# > 0)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --domain | --domain=*) DOMAIN=$(option_value "$1" "${2-}") ;;
    --admin-port | --admin-port=*) ADMIN_PORT=$(option_value "$1" "${2-}") ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *)
      [[ -z $GLASSFISH_HOME ]] || die "unexpected argument '$1' (see --help)"
      GLASSFISH_HOME=$1
      shift
      continue
      ;;
  esac
  if [[ $1 == *=* ]]; then shift; else shift 2; fi
done

[[ -n $GLASSFISH_HOME ]] || { usage >&2; exit 2; }
[[ -n $DOMAIN && $DOMAIN != */* ]] || die "invalid domain name '$DOMAIN'"
[[ -z $ADMIN_PORT ]] || require_int --admin-port "$ADMIN_PORT" 1 65535

gf_init_domain
trap gf_leave_as_found EXIT

log "GlassFish: $GLASSFISH_HOME, domain '$DOMAIN' (admin port $ADMIN_PORT, $([[ $WAS_RUNNING == true ]] && echo running || echo stopped))"

changed=false

# The module goes first: a running server keeps the loaded copy until it is
# restarted, and a stopped domain whose connector settings stop it from
# starting (e.g. an invalid property value) starts again without it.
MODULE_JAR=$GLASSFISH_HOME/glassfish/modules/$MODULE_JAR_NAME
if [[ -e $MODULE_JAR ]]; then
  rm -f "$MODULE_JAR"
  log "removed module $MODULE_JAR"
  changed=true
else
  log "module $MODULE_JAR not present"
fi

# A stopped domain whose domain.xml never mentions our names has nothing to
# remove: do not start it just to find that out.
if [[ $WAS_RUNNING == false ]] &&
  ! grep -qE "\"($LISTENER_NAME|$PROTOCOL_NAME|$POOL_NAME)\"" "$DOMAIN_DIR/config/domain.xml"; then
  log "domain.xml of '$DOMAIN' has no $LISTENER_NAME or $POOL_NAME: nothing to remove there"
else
  gf_ensure_running
  # Order matters: the listener uses the protocol and the pool.
  if gf_exists "$LISTENER_DOTTED.name"; then
    gf_do delete-network-listener "$LISTENER_NAME"
    log "deleted network listener $LISTENER_NAME"
    changed=true
  else
    log "network listener $LISTENER_NAME not present"
  fi
  if gf_exists "$PROTOCOL_DOTTED.name"; then
    gf_do delete-protocol "$PROTOCOL_NAME"
    log "deleted protocol $PROTOCOL_NAME"
    changed=true
  else
    log "protocol $PROTOCOL_NAME not present"
  fi
  if gf_exists "$POOL_DOTTED.name"; then
    gf_do delete-threadpool "$POOL_NAME"
    log "deleted thread pool $POOL_NAME"
    changed=true
  else
    log "thread pool $POOL_NAME not present"
  fi
fi

if [[ $WAS_RUNNING == true ]]; then
  if [[ $changed == true ]]; then
    gf_restart
  fi
  log "done: domain '$DOMAIN' is running"
else
  gf_leave_as_found
  log "done: domain '$DOMAIN' is stopped, as it was"
fi
