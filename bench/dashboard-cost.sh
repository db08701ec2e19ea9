#!/usr/bin/env bash
# Cost of an open dashboard (issue 7): GROUP_COUNT key-value groups x 3 replicas on three silo
# processes on 127.0.0.1 (as bench/idle-groups.sh), left idle. After a warm-up, each silo process's
# CPU time (utime+stime from /proc/PID/stat) is sampled over SAMPLE seconds with no dashboard open,
# then over SAMPLE seconds while `curl -N http://127.0.0.1:18081/dashboard/events` holds the event
# stream open (silo 1 collects from all three every second). Prints both and the difference.
#
#   bench/dashboard-cost.sh                     # 1000 groups, 30 s warm-up, 30 s samples
#   GROUP_COUNT=64 SAMPLE=10 bench/dashboard-cost.sh
set -euo pipefail
GROUP_COUNT=${GROUP_COUNT:-1000}
WARMUP=${WARMUP:-30}
SAMPLE=${SAMPLE:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
dotnet build "$root/src/Silo" -c Release -warnaserror >/dev/null
dll="$root/src/Silo/bin/Release/net10.0/Synod.Silo.dll"
ticks=$(getconf CLK_TCK)
pids=()
stream=""
data=$(mktemp -d /tmp/synod-dash.XXXXXX)
cleanup() { [ -n "$stream" ] && kill "$stream" 2>/dev/null; for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sample() { # prints one CPU percentage per silo over SAMPLE seconds
  local before=() pid i
  for pid in "${pids[@]}"; do before+=("$(cpu_ticks "$pid")"); done
  sleep "$SAMPLE"
  for i in 0 1 2; do
    awk -v a="${before[$i]}" -v b="$(cpu_ticks "${pids[$i]}")" -v t="$ticks" -v s="$SAMPLE" 'BEGIN {printf "%.2f ", (b - a) * 100 / (t * s)}'
  done
}

for id in 1 2 3; do
  peers=$(for p in 1 2 3; do printf '{"Id":%d,"TransportEndpoint":"127.0.0.1:%d","HttpEndpoint":"http://127.0.0.1:%d"},' "$p" $((12110 + p)) $((18080 + p)); done)
  cat > "$data/silo-$id.json" <<JSON
{"Synod":{"Silo":{"Id":$id,"ClusterKey":"idle-bench-cluster-key-0123456789","TransportEndpoint":"127.0.0.1:$((12110 + id))",
 "HttpEndpoint":"http://127.0.0.1:$((18080 + id))","DataDirectory":"$data","KeyValueGroups":$GROUP_COUNT,"Silos":[${peers%,}]}}}
JSON
  dotnet "$dll" --config "$data/silo-$id.json" > "$data/silo-$id.log" 2>&1 &
  pids+=($!)
done

# Up when the dashboard's groups table (a one-off collection) shows every group with a leader.
deadline=$((SECONDS + 300))
until [ "$(curl -sf "http://127.0.0.1:18081/dashboard/api/groups?filter=ok&limit=1" | jq '.matched' 2>/dev/null || echo 0)" -ge $((GROUP_COUNT + 1)) ]; do
  [ $SECONDS -lt $deadline ] || { echo "the cluster did not come up" >&2; exit 1; }
  sleep 2
done
sleep "$WARMUP"
read -r -a idle <<< "$(sample)"
curl -sN http://127.0.0.1:18081/dashboard/events > "$data/events.txt" &
stream=$!
sleep 5
read -r -a open <<< "$(sample)"
events=$(grep -c '^event: overview' "$data/events.txt" || true)
bytes=$(wc -c < "$data/events.txt")
for i in 0 1 2; do
  awk -v s=$((i + 1)) -v a="${idle[$i]}" -v b="${open[$i]}" 'BEGIN {printf "silo %d: idle %.2f%%, dashboard open %.2f%%, extra %+.2f%% of one core\n", s, a, b, b - a}'
done
echo "events received: $events ($bytes bytes, $((bytes / (events > 0 ? events : 1))) bytes per event)"
for id in 1 2 3; do echo "silo $id: $(curl -s http://127.0.0.1:$((18080 + id))/dashboard/api/stats)"; done
