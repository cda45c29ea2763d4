# shellcheck shell=bash
# OpenSSH "machines" for the local dev stack: one private sshd per machine NAME,
# listening on 127.0.0.1:PORT, state in .dev/sshd/NAME, login = current user
# with the client key .dev/keys/NAME (the bridge's credential named NAME).
#
# Exposes:
#   rediacc_sshd_start NAME PORT  set up + start (idempotent); prints the host public
#                                 key line ("ssh-ed25519 AAAA...") on stdout
#   rediacc_sshd_stop NAME        stop it (PID file .dev/run/sshd-NAME.pid)
#   rediacc_sshd_host_key NAME    print the host public key line
#   rediacc_sshd_check NAME PORT  log in with .dev/keys/NAME and run `true`
#   rediacc_ssh NAME PORT CMD...  run CMD on machine NAME (for tests/debugging)
#   REDIACC_SSHD_USER             login user (id -un)
#   key files: .dev/keys/NAME (private, 600), .dev/keys/NAME.pub
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

REDIACC_SSHD_DIR="$REDIACC_DEV_DIR/sshd"
REDIACC_KEYS_DIR="$REDIACC_DEV_DIR/keys"
REDIACC_SSHD_BIN="${REDIACC_SSHD_BIN:-/usr/sbin/sshd}"
REDIACC_SSHD_USER="$(id -un)"

rediacc_sshd_check_name() {
  [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || { echo "stack: ERROR: invalid machine name '$1'" >&2; return 1; }
}

rediacc_sshd_host_key() {
  awk '{ print $1 " " $2 }' "$REDIACC_SSHD_DIR/$1/ssh_host_ed25519_key.pub"
}

# Keys and config for machine NAME (host key and client key generated once).
rediacc_sshd_setup() {
  local name="$1" port="$2" dir="$REDIACC_SSHD_DIR/$1" key="$REDIACC_KEYS_DIR/$1" pub
  mkdir -p "$dir" "$REDIACC_KEYS_DIR"
  chmod 700 "$dir" "$REDIACC_KEYS_DIR"
  if [ ! -f "$dir/ssh_host_ed25519_key" ]; then
    ssh-keygen -q -t ed25519 -N '' -C "rediacc-dev-host-$name" -f "$dir/ssh_host_ed25519_key" </dev/null >/dev/null
  fi
  if [ ! -f "$key" ]; then
    ssh-keygen -q -t ed25519 -N '' -C "rediacc-dev-$name" -f "$key" </dev/null >/dev/null
  fi
  chmod 600 "$key" "$dir/ssh_host_ed25519_key"
  pub=$(cat "$key.pub")
  touch "$dir/authorized_keys"
  grep -qxF -- "$pub" "$dir/authorized_keys" || echo "$pub" >>"$dir/authorized_keys"
  chmod 600 "$dir/authorized_keys"
  cat >"$dir/sshd_config" <<EOF
# written by dev/stack (rediacc_sshd_start $name $port); do not edit
ListenAddress 127.0.0.1
Port $port
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AllowUsers $REDIACC_SSHD_USER
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
X11Forwarding no
PrintMotd no
UseDNS no
MaxStartups 64:30:128
MaxSessions 64
Subsystem sftp internal-sftp
LogLevel INFO
EOF
  echo "$port" >"$dir/port"
}

rediacc_sshd_check() {
  local name="$1" port="$2"
  ssh -i "$REDIACC_KEYS_DIR/$name" -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
      -o BatchMode=yes -o IdentitiesOnly=yes -o ConnectTimeout=5 -o LogLevel=ERROR \
      "$REDIACC_SSHD_USER@127.0.0.1" true </dev/null
}

rediacc_ssh() {
  local name="$1" port="$2"; shift 2
  ssh -i "$REDIACC_KEYS_DIR/$name" -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
      -o BatchMode=yes -o IdentitiesOnly=yes -o ConnectTimeout=5 -o LogLevel=ERROR \
      "$REDIACC_SSHD_USER@127.0.0.1" "$@"
}

rediacc_sshd_start() {
  local name="$1" port="$2" comp="sshd-$1" dir="$REDIACC_SSHD_DIR/$1" pid deadline
  rediacc_sshd_check_name "$name" || return 1
  [[ "$port" =~ ^[0-9]+$ ]] || { echo "stack: ERROR: invalid port '$port' for $name" >&2; return 1; }
  [ -x "$REDIACC_SSHD_BIN" ] || { echo "stack: ERROR: $REDIACC_SSHD_BIN missing (apt-get install openssh-server)" >&2; return 1; }
  rediacc_init_dirs
  if pid=$(rediacc_pid_of "$comp"); then
    if [ "$(cat "$dir/port" 2>/dev/null)" = "$port" ]; then
      rediacc_log "$comp already running (pid $pid, port $port)"
      rediacc_sshd_host_key "$name"
      return 0
    fi
    rediacc_log "$comp runs on another port; restarting it on $port"
    rediacc_stop "$comp"
  fi
  rediacc_sshd_setup "$name" "$port"
  [ "$(id -u)" = 0 ] && mkdir -p /run/sshd && chmod 755 /run/sshd
  if ! "$REDIACC_SSHD_BIN" -t -f "$dir/sshd_config" >>"$REDIACC_LOG_DIR/$comp.log" 2>&1; then
    rediacc_log_tail "$comp"; echo "stack: ERROR: invalid sshd config for $name" >&2; return 1
  fi
  rediacc_log "starting $comp on 127.0.0.1:$port (user $REDIACC_SSHD_USER)"
  pid=$(rediacc_spawn "$comp" "$REDIACC_SSHD_BIN" -D -e -f "$dir/sshd_config")
  if ! rediacc_wait_tcp "$port" 15 "$comp"; then
    rediacc_log_tail "$comp"; echo "stack: ERROR: sshd for $name did not listen on 127.0.0.1:$port" >&2
    rediacc_stop "$comp"; return 1
  fi
  deadline=$((SECONDS + 10))
  until rediacc_sshd_check "$name" "$port" 2>>"$REDIACC_LOG_DIR/$comp.log"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      rediacc_log_tail "$comp"; echo "stack: ERROR: cannot log in to $name (ssh -p $port $REDIACC_SSHD_USER@127.0.0.1)" >&2
      return 1
    fi
    sleep 0.5
  done
  rediacc_sshd_host_key "$name"
}

rediacc_sshd_stop() { rediacc_stop "sshd-$1" TERM; }
