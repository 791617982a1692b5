# shellcheck shell=bash
# shellcheck disable=SC2034 # the constants are used by the scripts that source this file
# Shared helpers of install.sh and uninstall.sh. Sourced, not run.
#
# The caller sets PROG (its name, for messages) before sourcing this file, and
# GLASSFISH_HOME, DOMAIN and (optionally) ADMIN_PORT before calling
# gf_init_domain.

# Names used in domain.xml. Keep in sync with docs/configuration.md.
readonly LISTENER_NAME=grpc-listener
readonly PROTOCOL_NAME=grpc-listener
readonly POOL_NAME=grpc-thread-pool
readonly MODULE_JAR_NAME=grpc-connector.jar
readonly SECRET_ALIAS=grpc-connector-secret
readonly PREVIOUS_SECRET_ALIAS=grpc-connector-previous-secret
readonly TLS_KEYSTORE_PASSWORD_ALIAS=grpc-connector-tls-keystore-password
readonly TLS_TRUSTSTORE_PASSWORD_ALIAS=grpc-connector-tls-truststore-password
readonly CONFIG_PREFIX=configs.config.server-config
readonly POOL_DOTTED="${CONFIG_PREFIX}.thread-pools.thread-pool.${POOL_NAME}"
readonly PROTOCOL_DOTTED="${CONFIG_PREFIX}.network-config.protocols.protocol.${PROTOCOL_NAME}"
readonly HTTP_DOTTED="${PROTOCOL_DOTTED}.http"
readonly LISTENER_DOTTED="${CONFIG_PREFIX}.network-config.network-listeners.network-listener.${LISTENER_NAME}"

# Set by gf_init_domain / gf_ensure_running.
ASADMIN=""
DOMAIN_DIR=""
WAS_RUNNING=false
STARTED_BY_US=false

log() { printf '%s: %s\n' "$PROG" "$*"; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

# require_int NAME VALUE MIN [MAX]
require_int() {
  local name=$1 value=$2 min=$3 max=${4:-}
  [[ $value =~ ^-?[0-9]+$ ]] || die "$name must be an integer, got '$value'"
  # Strip leading zeros so bash does not read the number as octal.
  local n=$((10#${value#-}))
  [[ $value == -* ]] && n=$((-n))
  ((n >= min)) || die "$name must be at least $min, got $value"
  if [[ -n $max ]]; then
    ((n <= max)) || die "$name must be at most $max, got $value"
  fi
}

# Value of an option: "--opt value" or "--opt=value". Prints the value.
# usage: option_value "$1" "${2-}" -> caller shifts 2 when $1 has no '='.
option_value() {
  local arg=$1 next=${2-}
  if [[ $arg == *=* ]]; then
    printf '%s' "${arg#*=}"
  else
    [[ -n $next && $next != --* ]] || die "option ${arg} needs a value (see --help)"
    printf '%s' "$next"
  fi
}

# asadmin against the domain's admin port; never prompts.
gf() {
  "$ASADMIN" --interactive=false --port "$ADMIN_PORT" "$@"
}

# True when a dotted name exists in the running domain's configuration.
gf_exists() {
  gf get "$1" >/dev/null 2>&1
}

# Value of a dotted name ("" when it does not exist).
gf_value() {
  local line
  line=$(gf get "$1" 2>/dev/null | grep -F "$1=" | head -n 1) || true
  printf '%s' "${line#*=}"
}

# Runs asadmin, prints (the end of) its output only when it fails, then dies.
gf_do() {
  local out log_lines=0
  if [[ $1 == start-domain && -f $DOMAIN_DIR/logs/server.log ]]; then
    log_lines=$(wc -l <"$DOMAIN_DIR/logs/server.log")
  fi
  if ! out=$(gf "$@" 2>&1); then
    if [[ $1 == start-domain ]]; then
      # Its output repeats the whole start-up log: the errors are what matters.
      printf '%s\n' "$out" | head -n 3 >&2
      show_startup_errors "$log_lines"
    else
      printf '%s\n' "$out" | tail -n 30 >&2
    fi
    die "asadmin $1 failed (see above)"
  fi
}

# True when the running domain has password alias NAME.
alias_exists() { # NAME
  gf list-password-aliases 2>/dev/null | grep -qxF "$1"
}

# Deletes password alias NAME when it exists.
delete_alias() { # NAME
  if alias_exists "$1"; then
    gf_do delete-password-alias "$1"
    log "deleted password alias $1"
  fi
}

# After a failed start: the SEVERE records written since line $1 of server.log.
show_startup_errors() {
  local log=$DOMAIN_DIR/logs/server.log
  [[ -f $log ]] || return 0
  printf '%s: errors in %s:\n' "$PROG" "$log" >&2
  tail -n "+$(($1 + 1))" "$log" | grep -A 3 -E '\[SEVERE\]|\|SEVERE\|' |
    grep -vE '^[[:space:]]+at |^--$' | tail -n 20 >&2 || true
  printf '%s: hint: an invalid grpc-connector-* property stops the server from starting; uninstall.sh removes the module first and so repairs such a domain\n' "$PROG" >&2
}

# True for an address only this machine can reach.
is_loopback() { # ADDRESS
  [[ $1 == 127.* || $1 == ::1 || $1 == "[::1]" || $1 == localhost ]]
}

# The secret in FILE, without one trailing line break; dies unless it is 16 or
# more printable ASCII characters (what the connector accepts, docs/security.md).
read_secret_file() { # OPTION FILE
  [[ -f $2 && -r $2 ]] || die "$1: cannot read '$2'"
  local secret
  secret=$(<"$2") # drops trailing line breaks
  secret=${secret%$'\r'}
  [[ $secret =~ ^[!-~]{16,}$ ]] || die "$1: the secret in '$2' must be 16 or more printable ASCII characters without spaces (e.g. head -c 30 /dev/urandom | base64)"
  printf '%s' "$secret"
}

# The password in FILE, without one trailing line break; dies when FILE is
# unreadable or the password empty (keystore passwords need not be secrets of 16+).
read_password_file() { # OPTION FILE
  [[ -f $2 && -r $2 ]] || die "$1: cannot read '$2'"
  local password
  password=$(<"$2")
  password=${password%$'\r'}
  [[ -n $password ]] || die "$1: '$2' is empty"
  printf '%s' "$password"
}

# FILE as an absolute path; dies unless it is a readable file.
readable_file() { # OPTION FILE
  [[ -f $2 && -r $2 ]] || die "$1: cannot read '$2'"
  printf '%s/%s' "$(cd "$(dirname "$2")" && pwd)" "$(basename "$2")"
}

# Something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Checks GLASSFISH_HOME and DOMAIN, finds the admin port (unless given) and
# whether the domain is running. Sets ASADMIN, DOMAIN_DIR, ADMIN_PORT,
# WAS_RUNNING.
gf_init_domain() {
  [[ -n $GLASSFISH_HOME ]] || die "GLASSFISH_HOME is missing (see --help)"
  [[ -d $GLASSFISH_HOME ]] || die "GLASSFISH_HOME '$GLASSFISH_HOME' is not a directory"
  GLASSFISH_HOME=$(cd "$GLASSFISH_HOME" && pwd)
  if [[ ! -d $GLASSFISH_HOME/glassfish/modules && -d $GLASSFISH_HOME/modules && -x $GLASSFISH_HOME/../bin/asadmin ]]; then
    die "'$GLASSFISH_HOME' is the inner glassfish directory: pass its parent, $(dirname "$GLASSFISH_HOME")"
  fi
  ASADMIN=$GLASSFISH_HOME/bin/asadmin
  [[ -x $ASADMIN ]] || die "no executable $ASADMIN: GLASSFISH_HOME must be the directory holding bin/asadmin and glassfish/modules (e.g. .../glassfish8)"
  [[ -d $GLASSFISH_HOME/glassfish/modules ]] || die "no directory $GLASSFISH_HOME/glassfish/modules: is '$GLASSFISH_HOME' a GlassFish installation?"
  DOMAIN_DIR=$GLASSFISH_HOME/glassfish/domains/$DOMAIN
  [[ -f $DOMAIN_DIR/config/domain.xml ]] || die "domain '$DOMAIN' not found (no $DOMAIN_DIR/config/domain.xml); create it with: $ASADMIN create-domain $DOMAIN"

  local listing
  if ! listing=$("$ASADMIN" --interactive=false list-domains --long --header=false 2>&1); then
    printf '%s\n' "$listing" >&2
    die "'asadmin list-domains' failed. GlassFish 8 needs JDK 21 or newer: point JAVA_HOME (or AS_JAVA) to one"
  fi
  # Columns: DOMAIN ADMIN_ENDPOINTS RUNNING RESTART_REQUIRED
  local endpoint running
  endpoint=$(awk -v d="$DOMAIN" '$1 == d { print $2 }' <<<"$listing")
  running=$(awk -v d="$DOMAIN" '$1 == d { print $3 }' <<<"$listing")
  local own_port=""
  [[ $endpoint =~ :([0-9]+)/?$ ]] && own_port=${BASH_REMATCH[1]}
  if [[ -z ${ADMIN_PORT:-} ]]; then
    ADMIN_PORT=${own_port:-4848}
  elif [[ -n $own_port && $own_port != "$ADMIN_PORT" ]]; then
    log "warning: --admin-port $ADMIN_PORT differs from the admin port in domain '$DOMAIN''s domain.xml ($own_port)"
  fi

  if [[ $running == true ]]; then
    # list-domains only probes the admin port. Make sure the process answering
    # there is this domain's, or we would configure someone else's server.
    local pid=""
    [[ -f $DOMAIN_DIR/config/pid ]] && pid=$(<"$DOMAIN_DIR/config/pid")
    if [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null; then
      die "admin port of domain '$DOMAIN' ($endpoint) answers, but the domain's own process is not running (no live pid in $DOMAIN_DIR/config/pid): another server uses that port"
    fi
    WAS_RUNNING=true
  else
    WAS_RUNNING=false
  fi
}

# Starts the domain if it is not running (and remembers to stop it again).
gf_ensure_running() {
  if [[ $WAS_RUNNING == true || $STARTED_BY_US == true ]]; then
    return 0
  fi
  log "domain '$DOMAIN' is not running: starting it to configure it (it is stopped again afterwards)"
  STARTED_BY_US=true
  gf_do start-domain "$DOMAIN"
}

# Leaves the domain as found: stops it if this script started it. Used as an
# EXIT trap too, so a failed run does not leave a server behind.
gf_leave_as_found() {
  if [[ $STARTED_BY_US == true ]]; then
    STARTED_BY_US=false
    log "stopping domain '$DOMAIN' (it was not running before)"
    gf stop-domain "$DOMAIN" >/dev/null 2>&1 || log "warning: 'asadmin stop-domain $DOMAIN' failed"
  fi
}

# stop-domain + start-domain rather than restart-domain: when the new server
# process dies during start-up, 'asadmin restart-domain' of GlassFish 8.0.0
# waits for its pid file for ever, while start-domain reports the failure.
gf_restart() {
  log "restarting domain '$DOMAIN' so that the change of module and listener takes effect"
  gf_do stop-domain "$DOMAIN"
  gf_do start-domain "$DOMAIN"
}
