# Sourced by the ovs-oracle scripts: start and stop a private Open vSwitch sandbox
# (ovsdb-server + ovs-vswitchd with the userspace datapath and dummy ports), as
# /work/shared/reference/ovs-sandbox.md describes. Only processes started here
# (their pid files in $SB) are ever stopped.
#
#   sb_start PORTS_FILE [PROTOCOLS]   -> sets SB, APPCTL, OFCTL, VSCTL, BR; bridge br0 is up
#   sb_stop                           -> kills the sandbox's own pids, removes $SB

sb_start() {
  local ports_file=$1
  SB=$(mktemp -d "${TMPDIR:-/tmp}/ovs-oracle.XXXXXX")
  export OVS_RUNDIR=$SB OVS_LOGDIR=$SB OVS_DBDIR=$SB OVS_SYSCONFDIR=$SB
  ovsdb-tool create "$SB/conf.db" /usr/share/openvswitch/vswitch.ovsschema
  ovsdb-server --detach --no-chdir --pidfile="$SB/ovsdb-server.pid" --unixctl="$SB/ovsdb-server.ctl" \
    --log-file="$SB/ovsdb-server.log" --remote=punix:"$SB/db.sock" "$SB/conf.db" 2>>"$SB/start.err"
  VSCTL="ovs-vsctl --db=unix:$SB/db.sock --timeout=20"
  $VSCTL --no-wait init
  ovs-vswitchd --detach --no-chdir --pidfile="$SB/ovs-vswitchd.pid" --unixctl="$SB/ovs-vswitchd.ctl" \
    --log-file="$SB/ovs-vswitchd.log" --enable-dummy=override --disable-system unix:"$SB/db.sock" 2>>"$SB/start.err"
  APPCTL="ovs-appctl -t $SB/ovs-vswitchd.ctl"
  BR=unix:$SB/br0.mgmt
  local args=(add-br br0 -- set bridge br0 datapath_type=netdev fail-mode=secure)
  local num name
  while read -r num name _; do
    [[ -z "$num" || "$num" == \#* ]] && continue
    name=${name:-p$num}
    args+=(-- add-port br0 "$name" -- set Interface "$name" type=dummy ofport_request="$num")
  done < "$ports_file"
  $VSCTL "${args[@]}"
  # wait until the management socket exists
  for _ in $(seq 1 100); do [[ -S "$SB/br0.mgmt" ]] && break; sleep 0.05; done
}

sb_stop() {
  [[ -n "${SB:-}" && -d "$SB" ]] || return 0
  local f pid pids=()
  for f in "$SB/ovs-vswitchd.pid" "$SB/ovsdb-server.pid"; do
    pid=$(cat "$f" 2>/dev/null || true)
    [[ "$pid" =~ ^[0-9]+$ ]] && pids+=("$pid")
  done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$SB"
  SB=
}

# ofctl options for a corpus: -O <protocol> when the corpus has a protocol.txt
sb_ofctl_opts() {
  local dir=$1
  if [[ -f "$dir/protocol.txt" ]]; then
    local p; p=$(grep -v '^#' "$dir/protocol.txt" | tr -d '[:space:]')
    [[ -n "$p" ]] && echo "-O $p"
  fi
}

# packets of a corpus, comments and blank lines removed, one per line
sb_packets() {
  sed -e 's/#.*$//' -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' "$1" | grep -v '^$'
}
