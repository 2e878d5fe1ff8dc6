#!/bin/bash
# A real one-node Slurm cluster running docs/jobs/slurm-array.sbatch and slurm-merge.sbatch as
# docs/experiments.md tells users to (`make test-slurm`, part of `make test`):
#   1. installs Debian's slurmctld, slurmd, slurm-client and munge when missing (apt-get; root);
#   2. writes a one-node slurm.conf, a munge key and every state/log/spool file into a temporary
#      directory and starts munged, slurmctld and slurmd there (no systemd, nothing in /etc);
#   3. submits the sweep as a job array of shards and the merge job with --dependency=afterok on
#      the array, waits on the job states (scontrol: a job cancelled because its dependency can
#      never be satisfied must fail the test, which `sbatch --wait` would not), and checks that the
#      merged points equal an unsharded local run of the same sweep;
#   4. again, but cancels one array task once it has written a point, requeues it (it resumes
#      from its checkpoint) and checks that the merged points are still identical;
#   5. stops the daemons it started, by pid, on every exit path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLI="node $ROOT/dist/cli/main.js"
# The sweep: small, but each shard runs long enough to be cancelled mid-run.
EXP="${SLURM_TEST_EXP:-E1}"
SIZE=quick
SWEEP_ARGS="--seeds 1"
TASKS=3
TIMEOUT_S="${SLURM_TEST_TIMEOUT:-600}"
started=$(date +%s)

log() { printf 'test-slurm [%3d s]: %s\n' "$(($(date +%s) - started))" "$*" >&2; }
fail() {
  log "FAIL: $*"
  exit 1
}

install_slurm() {
  local missing=()
  for b in slurmctld slurmd sbatch munged; do command -v "$b" > /dev/null || missing+=("$b"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || fail "missing ${missing[*]} and not root: install slurmctld slurmd slurm-client munge"
  log "installing slurmctld slurmd slurm-client munge (missing: ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge > /dev/null ||
    { apt-get update > /dev/null && apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge > /dev/null; }
}

[ -f "$ROOT/dist/.built" ] || fail "dist/ is not built: run make build"
install_slurm

TMP="$(mktemp -d /tmp/rnn-gd-slurm-XXXXXX)"
chmod 700 "$TMP"
PIDS=()
cleanup() {
  local rc=$?
  # Jobs of this cluster still running (a failure or an interrupt): cancel them while slurmd can
  # still signal their steps, which would otherwise outlive it.
  if [ -n "${SLURM_CONF:-}" ] && [ -n "$(squeue -h -o %A 2> /dev/null)" ]; then
    scancel -u "$(id -un)" 2> /dev/null || true
    for _ in $(seq 50); do [ -z "$(squeue -h -o %A 2> /dev/null)" ] && break; sleep 0.1; done
  fi
  # Stop what this script started, by pid (slurmd first so it does not report to a dead controller).
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[i]}" 2> /dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2> /dev/null || break; sleep 0.1; done
    kill -9 "$p" 2> /dev/null || true
  done
  if [ $rc -ne 0 ] && [ -d "$TMP" ]; then
    log "logs (kept in $TMP):"
    tail -n 20 "$TMP"/log/*.log "$TMP"/work/*.out 2> /dev/null >&2 || true
  else
    rm -rf "$TMP"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$TMP"/{log,state,spool,munge,work}
chmod 700 "$TMP/munge"
HOST="$(hostname -s)"
NCPU="$(nproc)"
MEM_MB=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2))
# Ports of this cluster only: away from the defaults (6817/6818), chosen per run.
PORT_BASE=$((20000 + (RANDOM % 2000) * 2))

dd if=/dev/urandom of="$TMP/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$TMP/munge/munge.key"
munged --force --foreground --key-file="$TMP/munge/munge.key" --socket="$TMP/munge/munge.socket" \
  --pid-file="$TMP/munge/munged.pid" --log-file="$TMP/log/munged.log" --seed-file="$TMP/munge/munged.seed" \
  > "$TMP/log/munged.out" 2>&1 &
PIDS+=($!)

cat > "$TMP/slurm.conf" << EOF
ClusterName=rnngdtest
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$PORT_BASE
SlurmdPort=$((PORT_BASE + 1))
AuthType=auth/munge
AuthInfo=socket=$TMP/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$TMP/state
SlurmdSpoolDir=$TMP/spool
SlurmctldPidFile=$TMP/slurmctld.pid
SlurmdPidFile=$TMP/slurmd.pid
SlurmctldLogFile=$TMP/log/slurmctld.log
SlurmdLogFile=$TMP/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
SchedulerParameters=defer_batch=0
MpiDefault=none
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$NCPU RealMemory=$MEM_MB State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$TMP/slurm.conf"

for _ in $(seq 50); do [ -S "$TMP/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$TMP/munge/munge.socket" ] || fail "munged did not start"
slurmctld -D -i -f "$SLURM_CONF" > "$TMP/log/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" > "$TMP/log/slurmd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
  state="$(sinfo -h -n "$HOST" -o %T 2> /dev/null || true)"
  [[ "$state" == idle* ]] && break
  sleep 0.2
done
[[ "$state" == idle* ]] || fail "the node did not come up (state '${state:-none}')"
log "cluster up: node $HOST ($NCPU CPUs), controller port $PORT_BASE"

# --- helpers on job states (scontrol keeps finished jobs for MinJobAge seconds) ---
job_state() { scontrol -o show job "$1" 2> /dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }
job_reason() { scontrol -o show job "$1" 2> /dev/null | grep -o 'Reason=[^ ]*' | head -1 | cut -d= -f2; }
array_states() { squeue -h -r -j "$1" -o '%i %T' 2> /dev/null || true; }
# Waits until job $1 is in a final state; prints it. Fails on the deadline.
wait_final() {
  local s
  while :; do
    s="$(job_state "$1")"
    case "$s" in
      COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED)
        echo "$s"
        return 0
        ;;
      PENDING)
        [ "$(job_reason "$1")" = DependencyNeverSatisfied ] && {
          echo "DependencyNeverSatisfied"
          return 0
        }
        ;;
    esac
    (($(date +%s) - started < TIMEOUT_S)) || fail "job $1 still '${s}' after ${TIMEOUT_S} s"
    sleep 0.5
  done
}
expect_completed() {
  local s
  s="$(wait_final "$1")"
  [ "$s" = COMPLETED ] || fail "job $1 ($2) ended $s, expected COMPLETED"
}

# Submits the array exactly as the docs say (with resource overrides to fit this one node).
SUBMIT_ENV=(EXP="$EXP" SIZE="$SIZE" RNN_GD="$CLI" RNN_GD_ARGS="$SWEEP_ARGS")
RESOURCES=(--cpus-per-task=1 --mem=1G --time=00:10:00)
submit_array() {
  env RESULTS="$1" "${SUBMIT_ENV[@]}" sbatch --parsable --chdir="$TMP/work" --array=1-$TASKS "${RESOURCES[@]}" \
    "$ROOT/docs/jobs/slurm-array.sbatch" | cut -d';' -f1
}
# $2: the dependency list, e.g. the array job id (afterok on every task) or <id>_1:<id>_2:...
submit_merge() {
  env RESULTS="$1" "${SUBMIT_ENV[@]}" sbatch --parsable --chdir="$TMP/work" --dependency="afterok:$2" \
    "${RESOURCES[@]}" "$ROOT/docs/jobs/slurm-merge.sbatch" | cut -d';' -f1
}
# The merged points without their timing, one line per point in index order.
stable_points() {
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(JSON.parse);
    lines.sort((a, b) => a.index - b.index);
    for (const { timing, ...rest } of lines) console.log(JSON.stringify(rest));
  ' "$1"
}

# --- the reference: the same sweep unsharded, locally ---
$CLI experiment run "$EXP" --size "$SIZE" $SWEEP_ARGS --workers 2 --out "$TMP/local" --quiet --no-report > /dev/null
stable_points "$TMP/local/points.jsonl" > "$TMP/local.stable"
log "local reference: $(wc -l < "$TMP/local.stable") points"

# --- 1: array + dependent merge ---
R1="$TMP/results-1"
array1="$(submit_array "$R1")"
merge1="$(submit_merge "$R1" "$array1")"
log "array job $array1 ($TASKS tasks), merge job $merge1 (afterok:$array1)"
expect_completed "$merge1" "merge"
for k in $(seq $TASKS); do expect_completed "${array1}_$k" "array task $k"; done
stable_points "$R1/$EXP-$SIZE/merged/points.jsonl" > "$TMP/merged-1.stable"
cmp -s "$TMP/local.stable" "$TMP/merged-1.stable" || fail "merged points differ from the unsharded run"
[ -f "$R1/$EXP-$SIZE/merged/report.md" ] || fail "the merge job wrote no report"
log "1: merged points = unsharded run ($(wc -l < "$TMP/merged-1.stable") points)"

# --- 2: cancel one task mid-run, requeue it ---
R2="$TMP/results-2"
array2="$(submit_array "$R2")"
victim="${array2}_2"
shard="$R2/$EXP-$SIZE/shard-2-of-$TASKS/points.jsonl"
while :; do
  s="$(job_state "$victim")"
  [ "$s" = RUNNING ] && [ -s "$shard" ] && break
  [ "$s" = COMPLETED ] && fail "task $victim finished before it could be cancelled: make the sweep longer"
  (($(date +%s) - started < TIMEOUT_S)) || fail "task $victim did not start"
  sleep 0.1
done
cp "$shard" "$TMP/victim-before.jsonl"
before=$(wc -l < "$TMP/victim-before.jsonl")
scancel "$victim"
s="$(wait_final "$victim")"
[ "$s" = CANCELLED ] || fail "cancelled task $victim ended $s"
log "2: cancelled $victim after $before point(s)"
scontrol requeue "$victim"
log "2: requeued at $(date +%FT%T): $(scontrol -o show job "$victim" | grep -o 'JobState=[^ ]*\|EligibleTime=[^ ]*' | tr '\n' ' ')"
# A requeued job waits for a begin time in the future; start it now.
scontrol update JobId="$victim" StartTime=now
for k in $(seq $TASKS); do expect_completed "${array2}_$k" "array task $k"; done
# Resumed, not rerun: the points finished before the cancel are still there with their own timing.
node -e '
  const parse = (l) => { try { return JSON.parse(l); } catch { return null; } }; // a line cut by the copy
  const read = (p) => require("fs").readFileSync(p, "utf8").split("\n").map(parse).filter(Boolean);
  const after = new Map(read(process.argv[2]).map((l) => [l.id, l.timing.finishedAt]));
  const before = read(process.argv[1]).filter((l) => after.get(l.id) !== l.timing.finishedAt);
  if (before.length) { console.error(`rerun after the requeue: ${before.map((l) => l.id)}`); process.exit(1); }
' "$TMP/victim-before.jsonl" "$shard" || fail "the requeued task ran again points it had finished"
tasks2="$(seq -s: -f "${array2}_%g" $TASKS)"
merge2="$(submit_merge "$R2" "$tasks2")"
log "2: merge job $merge2 (afterok:$tasks2)"
expect_completed "$merge2" "merge after the requeue"
stable_points "$R2/$EXP-$SIZE/merged/points.jsonl" > "$TMP/merged-2.stable"
cmp -s "$TMP/local.stable" "$TMP/merged-2.stable" || fail "after cancel + requeue the merged points differ from the unsharded run"
log "2: requeued task resumed; merged points still = unsharded run"
log "passed in $(($(date +%s) - started)) s"
