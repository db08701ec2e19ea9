#!/usr/bin/env bash
# Idle-cluster cost (issue 6): GROUP_COUNT key-value groups x 3 replicas on three silo processes on
# 127.0.0.1 (one silo per process, configured like the real-process tests), left idle; after a
# warm-up, samples each silo process's CPU time over SAMPLE seconds (utime+stime from
# /proc/PID/stat) and its resident memory (VmRSS). Repeats RUNS times and prints the medians.
#
#   bench/idle-groups.sh                       # 1000 groups, 3 runs, 60 s warm-up, 30 s sample
#   GROUP_COUNT=64 RUNS=1 bench/idle-groups.sh
set -euo pipefail
GROUP_COUNT=${GROUP_COUNT:-1000}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-60}
SAMPLE=${SAMPLE:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
dotnet build "$root/src/Silo" -c Release -warnaserror >/dev/null
dll="$root/src/Silo/bin/Release/net10.0/Synod.Silo.dll"
ticks=$(getconf CLK_TCK)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

results=()
for run in $(seq 1 "$RUNS"); do
  data=$(mktemp -d /tmp/synod-idle.XXXXXX)
  pids=()
  for id in 1 2 3; do
    peers=$(for p in 1 2 3; do printf '{"Id":%d,"TransportEndpoint":"127.0.0.1:%d","HttpEndpoint":"http://127.0.0.1:%d"},' "$p" $((12110 + p)) $((18080 + p)); done)
    cat > "$data/silo-$id.json" <<JSON
{"Synod":{"Silo":{"Id":$id,"ClusterKey":"idle-bench-cluster-key-0123456789","TransportEndpoint":"127.0.0.1:$((12110 + id))",
 "HttpEndpoint":"http://127.0.0.1:$((18080 + id))","DataDirectory":"$data","KeyValueGroups":$GROUP_COUNT,"Silos":[${peers%,}]}}}
JSON
    dotnet "$dll" --config "$data/silo-$id.json" > "$data/silo-$id.log" 2>&1 &
    pids+=($!)
  done

  # Up when silo 1 reports every group with a leader.
  deadline=$((SECONDS + 300))
  until [ "$(curl -sf http://127.0.0.1:18081/v1/status | jq '[.groups[] | select(any(.replicas[]; .role == "Leader"))] | length' 2>/dev/null || echo 0)" -ge $((GROUP_COUNT + 1)) ]; do
    [ $SECONDS -lt $deadline ] || { echo "run $run: the cluster did not come up" >&2; exit 1; }
    sleep 2
  done
  sleep "$WARMUP"
  before=(); for pid in "${pids[@]}"; do before+=("$(cpu_ticks "$pid")"); done
  sleep "$SAMPLE"
  for i in 0 1 2; do
    pid=${pids[$i]}
    cpu=$(awk -v a="${before[$i]}" -v b="$(cpu_ticks "$pid")" -v t="$ticks" -v s="$SAMPLE" 'BEGIN {printf "%.2f", (b - a) * 100 / (t * s)}')
    rss=$(rss_mb "$pid")
    echo "run $run silo $((i + 1)): cpu ${cpu}% of one core, rss ${rss} MB"
    results+=("$cpu $rss")
  done
  cleanup
  rm -rf "$data"
done

printf '%s\n' "${results[@]}" | awk '{print $1}' | sort -g | awk '{a[NR]=$1} END {printf "median cpu per silo process: %s%% of one core\n", a[int((NR+1)/2)]}'
printf '%s\n' "${results[@]}" | awk '{print $2}' | sort -g | awk '{a[NR]=$1} END {printf "median rss per silo process: %s MB\n", a[int((NR+1)/2)]}'
