#!/usr/bin/env bash
# A throwaway single-node SLURM cluster on this machine, for tests/test_slurm.py (no systemd).
#
#   tests/slurm/cluster.sh start DIR [MIN_CPUS] [MIN_MEM_MB]
#   tests/slurm/cluster.sh stop  DIR
#
# start: installs slurm-wlm and munge with apt-get if slurmctld is missing, makes a munge key
#   if there is none, starts munged (unless one already answers), writes DIR/slurm.conf (one
#   node named after `hostname -s`, partition "debug", no accounting; state, spool, logs and
#   pid files under DIR), links /etc/slurm/slurm.conf to it (see link_default_conf), starts
#   slurmctld and slurmd and waits until the node is idle. The node declares at least MIN_CPUS
#   CPUs and MIN_MEM_MB of memory (SlurmdParameters=config_overrides), so that a profile written
#   for real clusters (4-CPU jobs) can be scheduled on a 2-core machine.
#   Idempotent: what an earlier start for DIR left running is stopped first.
#   Prints SLURM_CONF=DIR/slurm.conf on success. Exit status: 0 up; 2 cannot run here (not
#   root, no apt-get, packages not installable); 3 a daemon did not start or the node never
#   came up (what had been started is stopped again).
# stop: cancels every job, removes the link, stops the daemons that start recorded in
#   DIR/started (and only those), waits for them to exit and removes what start wrote under
#   DIR. Always exits 0.
# Environment: EIGFLOW_SLURM_WAIT (seconds for the node to come up, default 90),
#   EIGFLOW_SLURMCTLD_PORT / EIGFLOW_SLURMD_PORT (default 6817 / 6818).
set -uo pipefail
export PATH="/usr/sbin:/sbin:$PATH"

die() { local code=$1; shift; echo "cluster.sh: $*" >&2; exit "$code"; }

usage() { die 64 "usage: $0 start|stop DIR [MIN_CPUS] [MIN_MEM_MB]"; }

[[ $# -ge 2 ]] || usage
action=$1
dir=$(realpath -m "$2")
conf=$dir/slurm.conf
export SLURM_CONF=$conf

alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# Stop one pid: TERM, wait up to $2 seconds, then KILL.
stop_pid() {
    local pid=$1 wait=${2:-15} i
    alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < wait * 5; i++)); do alive "$pid" || return 0; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null
    for ((i = 0; i < 25; i++)); do alive "$pid" || return 0; sleep 0.2; done
}

# Remove what start wrote under DIR, and DIR itself if that leaves it empty (never more).
clean_dir() {
    rm -rf "$dir"/{state,spool,run,log} "$dir"/{slurm.conf,started,apt.log}
    rmdir "$dir" 2>/dev/null
    return 0
}

stop_cluster() {
    [[ -f "$dir/started" ]] || { clean_dir; return 0; }
    # Cancel every job while slurmctld still runs, then give the steps a moment to end.
    if [[ -f "$conf" ]] && command -v scancel >/dev/null; then
        timeout 20 scancel --quiet --partition=debug 2>/dev/null
        local i
        for ((i = 0; i < 30; i++)); do
            [[ -z "$(timeout 10 squeue -h -t PD,R,CG,S -o %i 2>/dev/null)" ]] && break
            sleep 1
        done
    fi
    # The default-location link to DIR/slurm.conf, if start made it.
    local link
    link=$(awk '$1 == "link" {print $2}' "$dir/started" | tail -1)
    [[ -n "$link" && -L "$link" && "$(readlink "$link")" == "$conf" ]] && rm -f "$link"
    # Reverse start order: slurmd, slurmctld, munged.
    local name pid
    for name in slurmd slurmctld munged; do
        pid=$(awk -v n="$name" '$1 == n {print $2}' "$dir/started" | tail -1)
        stop_pid "$pid" 15
    done
    # slurmstepd of a cancelled job can outlive slurmd; end those that belong to this cluster.
    for pid in $(pgrep -x slurmstepd 2>/dev/null); do
        tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "SLURM_CONF=$conf" && stop_pid "$pid" 5
    done
    clean_dir
}

install_packages() {
    command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null &&
        command -v sbatch >/dev/null && return 0
    command -v apt-get >/dev/null || die 2 "slurmctld is missing and there is no apt-get to install slurm-wlm"
    echo "cluster.sh: installing slurm-wlm and munge with apt-get" >&2
    local apt=(timeout 900 apt-get install -y -q -o Dpkg::Options::=--force-confdef
        -o Dpkg::Options::=--force-confold slurm-wlm munge)
    if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" >"$dir/apt.log" 2>&1; then
        DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -q >>"$dir/apt.log" 2>&1
        DEBIAN_FRONTEND=noninteractive "${apt[@]}" >>"$dir/apt.log" 2>&1 ||
            { tail -20 "$dir/apt.log" >&2; die 2 "apt-get install slurm-wlm munge failed"; }
    fi
    command -v slurmctld >/dev/null || die 2 "slurmctld still missing after installing slurm-wlm"
}

munge_answers() { timeout 10 bash -c 'munge -n </dev/null | unmunge >/dev/null' 2>/dev/null; }

start_munge() {
    if munge_answers; then
        echo "cluster.sh: using the munged that is already running" >&2
        return 0
    fi
    id munge >/dev/null 2>&1 || die 3 "no munge user (is the munge package installed?)"
    install -d -m 0755 /etc/munge && chown munge:munge /etc/munge && chmod 0700 /etc/munge
    if [[ ! -s /etc/munge/munge.key ]]; then
        if command -v mungekey >/dev/null; then
            mungekey --create --keyfile=/etc/munge/munge.key >/dev/null 2>&1
        else
            dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
        fi
    fi
    chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
    rm -f /run/munge/munged.pid
    runuser -u munge -- munged --force --num-threads=2 --pid-file=/run/munge/munged.pid \
        --log-file=/var/log/munge/munged.log >"$dir/log/munged.out" 2>&1 ||
        { cat "$dir/log/munged.out" >&2; die 3 "munged did not start"; }
    local i pid=""
    for ((i = 0; i < 50; i++)); do
        pid=$(cat /run/munge/munged.pid 2>/dev/null)
        alive "$pid" && munge_answers && break
        sleep 0.2
    done
    munge_answers || { tail -5 /var/log/munge/munged.log >&2; die 3 "munged does not answer"; }
    echo "munged $pid" >>"$dir/started"
}

write_conf() {
    local min_cpus=$1 min_mem=$2 host node cpus mem
    host=$(hostname -s)
    node=$(slurmd -C 2>/dev/null | head -1)
    [[ $node == NodeName=* ]] || die 3 "slurmd -C did not describe this machine: $node"
    cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$node")
    mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$node")
    ((cpus < min_cpus)) && cpus=$min_cpus
    ((mem < min_mem)) && mem=$min_mem
    cat >"$conf" <<EOF
# Written by tests/slurm/cluster.sh: a one-node test cluster (no accounting, no cgroups).
ClusterName=eigflowtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${EIGFLOW_SLURMCTLD_PORT:-6817}
SlurmdPort=${EIGFLOW_SLURMD_PORT:-6818}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Finished jobs stay visible to squeue for an hour: the executor's squeue status checks and
# the test read them there (there is no sacct database).
MinJobAge=3600
ReturnToService=2
SlurmdParameters=config_overrides
MailProg=/bin/true
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

# Commands find DIR/slurm.conf through SLURM_CONF, but snakemake-executor-plugin-slurm-jobstep
# strips SLURM_* (SLURM_CONF included) from the environment of the srun it runs inside each job,
# so that srun only finds a configuration at the compiled-in default path. Link it there for the
# cluster's lifetime; never replace a configuration that is not this script's.
link_default_conf() {
    local link=/etc/slurm/slurm.conf target other pid
    if [[ -L $link ]]; then
        target=$(readlink "$link")
        # Another test cluster's link: stale (its slurmctld is gone) -> stop it; live -> refuse.
        if [[ $target != "$conf" ]] && grep -qs '^# Written by tests/slurm/cluster.sh' "$target"; then
            other=$(dirname "$target")
            pid=$(awk '$1 == "slurmctld" {print $2}' "$other/started" 2>/dev/null | tail -1)
            alive "$pid" && die 3 "another test cluster runs from $other: stop it first ($0 stop $other)"
            "$0" stop "$other"
        fi
    fi
    if [[ -L $link && ( "$(readlink "$link")" == "$conf" || ! -e $link ) ]] || [[ ! -e $link && ! -L $link ]]; then
        mkdir -p /etc/slurm && ln -sfn "$conf" "$link" || die 3 "cannot link $link to $conf"
        echo "link $link" >>"$dir/started"
    else
        die 3 "$link exists and is not this test cluster's: refusing to replace this machine's SLURM configuration"
    fi
}

wait_pidfile() {  # name pidfile logfile
    local i pid=""
    for ((i = 0; i < 100; i++)); do
        pid=$(cat "$2" 2>/dev/null)
        alive "$pid" && { echo "$1 $pid" >>"$dir/started"; return 0; }
        sleep 0.2
    done
    tail -20 "$3" >&2
    die 3 "$1 did not start (log: $3)"
}

start_cluster() {
    local min_cpus=${1:-1} min_mem=${2:-1}
    [[ $(id -u) -eq 0 ]] || die 2 "must run as root (installs packages, starts daemons)"
    stop_cluster
    mkdir -p "$dir"/{state,spool,run,log} || die 3 "cannot create $dir"
    # A start that fails half-way stops what it had started (its messages carry the log tails).
    trap 'rc=$?; ((rc != 0)) && stop_cluster; exit $rc' EXIT
    : >"$dir/started"
    install_packages
    start_munge
    write_conf "$min_cpus" "$min_mem"
    link_default_conf
    slurmctld -c -f "$conf" >"$dir/log/slurmctld.out" 2>&1 ||
        { cat "$dir/log/slurmctld.out" "$dir/log/slurmctld.log" 2>/dev/null | tail -20 >&2; die 3 "slurmctld did not start"; }
    wait_pidfile slurmctld "$dir/run/slurmctld.pid" "$dir/log/slurmctld.log"
    slurmd -f "$conf" >"$dir/log/slurmd.out" 2>&1 ||
        { cat "$dir/log/slurmd.out" "$dir/log/slurmd.log" 2>/dev/null | tail -20 >&2; die 3 "slurmd did not start"; }
    wait_pidfile slurmd "$dir/run/slurmd.pid" "$dir/log/slurmd.log"
    local host state="" deadline=$((SECONDS + ${EIGFLOW_SLURM_WAIT:-90}))
    host=$(hostname -s)
    while ((SECONDS < deadline)); do
        state=$(timeout 10 sinfo -h -N -n "$host" -o %T 2>/dev/null | head -1)
        [[ $state == idle ]] && { echo "SLURM_CONF=$conf"; return 0; }
        sleep 1
    done
    { echo "--- sinfo"; timeout 10 sinfo -N -l 2>&1; echo "--- slurmctld.log";
      tail -15 "$dir/log/slurmctld.log"; echo "--- slurmd.log"; tail -15 "$dir/log/slurmd.log"; } >&2
    die 3 "node $host is '${state:-unknown}', not idle, after ${EIGFLOW_SLURM_WAIT:-90}s"
}

case $action in
    start) shift 2; start_cluster "$@" ;;
    stop) stop_cluster; exit 0 ;;
    *) usage ;;
esac
