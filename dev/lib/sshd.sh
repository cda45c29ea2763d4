# shellcheck shell=bash
# OpenSSH "machines" for the local dev stack: one private sshd per machine NAME,
# listening on 127.0.0.1:PORT, state in .dev/sshd/NAME, login = REDIACC_SSHD_USER
# with the client key .dev/keys/NAME (the bridge's credential named NAME).
#
# Exposes:
#   rediacc_sshd_start NAME PORT  set up + start (idempotent; restarts it when its config
#                                 changed); prints the host public key line
#                                 ("ssh-ed25519 AAAA...") on stdout
#   rediacc_sshd_stop NAME        stop it (PID file .dev/run/sshd-NAME.pid)
#   rediacc_sshd_host_key NAME    print the host public key line
#   rediacc_sshd_check NAME PORT  log in with .dev/keys/NAME and run `true`
#   rediacc_ssh NAME PORT CMD...  run CMD on machine NAME (for tests/debugging)
#   rediacc_sshd_login_user       create the login user if needed (idempotent), print its name
#                                 (test-support's TestSshd asks this too)
#   REDIACC_SSHD_USER             login user: as root the system user rediacc-machine, whose
#                                 home (/var/lib/rediacc-machine) has no dotfiles; else id -un
#   key files: .dev/keys/NAME (private, 600), .dev/keys/NAME.pub
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

REDIACC_SSHD_DIR="$REDIACC_DEV_DIR/sshd"
REDIACC_KEYS_DIR="$REDIACC_DEV_DIR/keys"
REDIACC_SSHD_BIN="${REDIACC_SSHD_BIN:-/usr/sbin/sshd}"
# Not root when we are root: root's dotfiles (on some hosts ~/.bashrc runs `pyenv init`, 0.75 s
# and a lock per command) would run before every command and decide how fast the machines are.
REDIACC_MACHINE_USER=rediacc-machine
REDIACC_MACHINE_HOME=/var/lib/rediacc-machine
if [ "$(id -u)" = 0 ]; then
  REDIACC_SSHD_USER=$REDIACC_MACHINE_USER
else
  REDIACC_SSHD_USER="$(id -un)"
fi

rediacc_sshd_login_user() {
  if [ "$REDIACC_SSHD_USER" = "$REDIACC_MACHINE_USER" ]; then
    if ! id -u "$REDIACC_MACHINE_USER" >/dev/null 2>&1; then
      rediacc_log "creating the system user $REDIACC_MACHINE_USER (home $REDIACC_MACHINE_HOME) for the sshd machines"
      # The home is made below, not by useradd, which would copy /etc/skel's dotfiles. Password '*'
      # (none), not useradd's '!' (locked): without PAM, sshd refuses every login to a locked account.
      # A concurrent useradd may win the race: then the user exists all the same.
      useradd --system --user-group --no-create-home --home-dir "$REDIACC_MACHINE_HOME" --shell /bin/bash \
          --password '*' "$REDIACC_MACHINE_USER" >&2 || id -u "$REDIACC_MACHINE_USER" >/dev/null 2>&1 \
        || { echo "stack: ERROR: could not create the user $REDIACC_MACHINE_USER" >&2; return 1; }
    fi
    if [ ! -d "$REDIACC_MACHINE_HOME" ]; then
      mkdir -p "$REDIACC_MACHINE_HOME"
      chown "$REDIACC_MACHINE_USER:" "$REDIACC_MACHINE_HOME"
      chmod 755 "$REDIACC_MACHINE_HOME"
    fi
  fi
  echo "$REDIACC_SSHD_USER"
}

rediacc_sshd_check_name() {
  [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || { echo "stack: ERROR: invalid machine name '$1'" >&2; return 1; }
}

rediacc_sshd_host_key() {
  awk '{ print $1 " " $2 }' "$REDIACC_SSHD_DIR/$1/ssh_host_ed25519_key.pub"
}

# Keys and config for machine NAME (host key and client key generated once).
rediacc_sshd_setup() {
  local name="$1" port="$2" dir="$REDIACC_SSHD_DIR/$1" key="$REDIACC_KEYS_DIR/$1" pub
  rediacc_sshd_login_user >/dev/null || return 1
  mkdir -p "$dir" "$REDIACC_KEYS_DIR"
  chmod 700 "$REDIACC_KEYS_DIR"
  # sshd reads the authorized keys as the login user, who must reach them (the host key stays 600)
  chmod 711 "$dir"
  rediacc_make_traversable "$REDIACC_SSHD_USER" "$dir"
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
  chmod 644 "$dir/authorized_keys"
  rediacc_sshd_config "$name" "$port" >"$dir/sshd_config"
  echo "$port" >"$dir/port"
}

# The sshd_config of machine NAME on PORT.
rediacc_sshd_config() {
  local name="$1" port="$2" dir="$REDIACC_SSHD_DIR/$1"
  cat <<EOF
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
    if [ "$(rediacc_sshd_config "$name" "$port")" = "$(cat "$dir/sshd_config" 2>/dev/null)" ]; then
      rediacc_log "$comp already running (pid $pid, port $port)"
      rediacc_sshd_host_key "$name"
      return 0
    fi
    rediacc_log "$comp runs with another config (port or login user); restarting it on $port as $REDIACC_SSHD_USER"
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
