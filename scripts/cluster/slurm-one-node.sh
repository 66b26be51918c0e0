#!/usr/bin/env bash
# Starts (start DIR) or stops (stop DIR) a one-node Slurm cluster on this
# machine for flipside's cluster test: munge, slurmctld and slurmd as root,
# configured in DIR/slurm.conf (export SLURM_CONF=DIR/slurm.conf to use it).
# Needs Debian's slurm-wlm and munge (scripts/setup-debian.sh --tests).
set -euo pipefail
action=${1:?start or stop}
dir=${2:?a folder for the state of the cluster}
host=$(hostname -s)
case "$action" in
start)
  mkdir -p "$dir/state" "$dir/spool" /run/munge
  cpus=$(nproc)
  cat > "$dir/slurm.conf" <<CONF
ClusterName=flipside
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=flipside Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
  export SLURM_CONF="$dir/slurm.conf"
  # A daemon keeps every descriptor it inherits: one still holding a pipe of
  # whoever started this script (a test runner, a CI log) would leave that
  # reader waiting for end-of-file long after everything else has finished.
  for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] && [ "$fd" -ne 255 ]; then eval "exec $fd>&-" 2> /dev/null || true; fi
  done
  # munged serves the machine's default socket (a live one answers `munge
  # -n`); it is stopped with the cluster only when this script started it.
  munge -n < /dev/null > /dev/null 2>&1 || munged --force --pid-file="$dir/munged.pid"
  slurmctld -f "$SLURM_CONF"
  slurmd -f "$SLURM_CONF"
  for _ in $(seq 1 60); do
    if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then exit 0; fi
    sleep 0.5
  done
  echo "slurm did not come up; see $dir/*.log" >&2
  exit 1
  ;;
stop)
  pattern="slurm(ctld|d) -f $dir/slurm.conf"
  pkill -f "$pattern" 2>/dev/null || true
  if [ -f "$dir/munged.pid" ]; then
    munged --stop > /dev/null 2>&1 || kill -9 "$(cat "$dir/munged.pid")" 2>/dev/null || true
    rm -f "$dir/munged.pid"
  fi
  for _ in $(seq 1 20); do
    pgrep -f "$pattern" > /dev/null || exit 0
    sleep 0.25
  done
  pkill -9 -f "$pattern" 2>/dev/null || true
  ;;
esac
