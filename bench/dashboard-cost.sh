#!/usr/bin/env bash
# Cost of an open dashboard (issue 7): GROUP_COUNT key-value groups x 3 replicas on three silo
# processes on 127.0.0.1 (as bench/idle-groups.sh), left idle. After a warm-up, each silo process's
# CPU time (utime+stime from /proc/PID/stat) is sampled over SAMPLE seconds with no dashboard open,
# then over SAMPLE seconds while `curl -N http://127.0.0.1:18081/dashboard/events` holds the event
# stream open (silo 1 collects from all three every second). Prints both and the difference.
#
#   bench/dashboard-cost.sh                     # 1000 groups, 30 s warm-up, 30 s samples
#   GROUP_COUNT=64 SAMPLE=10 bench/dashboard-cost.sh
#   TRACE=/tmp/dash.nettrace bench/dashboard-cost.sh   # also dotnet-trace silo 1 (idle, then open)
# The open phase is sampled OPEN_WARMUP (45) seconds after the stream opens, past the tiered JIT.
set -euo pipefail
GROUP_COUNT=${GROUP_COUNT:-1000}
WARMUP=${WARMUP:-30}
SAMPLE=${SAMPLE:-30}
OPEN_WARMUP=${OPEN_WARMUP:-45}
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
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {n += $2} END {print n}'; }
sample() { # prints one CPU percentage per silo over SAMPLE seconds; silo 1's user/system split and context switches on stderr
  local before=() pid i u0 s0 c0
  for pid in "${pids[@]}"; do before+=("$(cpu_ticks "$pid")"); done
  read -r u0 s0 < <(awk '{print $14, $15}' "/proc/${pids[0]}/stat"); c0=$(switches "${pids[0]}")
  sleep "$SAMPLE"
  awk -v u0="$u0" -v s0="$s0" -v c0="$c0" -v c1="$(switches "${pids[0]}")" -v t="$ticks" -v s="$SAMPLE" '{printf "  silo 1: user %.2f%%, system %.2f%%, %d context switches/s\n", ($14 - u0) * 100 / (t * s), ($15 - s0) * 100 / (t * s), (c1 - c0) / s}' "/proc/${pids[0]}/stat" >&2
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
if [ -n "${TRACE:-}" ]; then
  ~/.dotnet/tools/dotnet-trace collect -p "${pids[0]}" --profile dotnet-sampled-thread-time --duration 00:00:00:20 -o "${TRACE%.nettrace}-idle.nettrace" >/dev/null 2>&1 &
fi
read -r -a idle <<< "$(sample)"
curl -sN http://127.0.0.1:18081/dashboard/events > "$data/events.txt" &
stream=$!
sleep "$OPEN_WARMUP" # past the tiered JIT's recompilation of the collection's code (about 30 calls)
if [ -n "${TRACE:-}" ]; then # TRACE=FILE.nettrace: also sample silo 1's stacks while the dashboard is open
  ~/.dotnet/tools/dotnet-trace collect -p "${pids[0]}" --profile dotnet-sampled-thread-time --duration 00:00:00:20 -o "$TRACE" >/dev/null 2>&1 &
fi
read -r -a open <<< "$(sample)"
events=$(grep -c '^event: overview' "$data/events.txt" || true)
bytes=$(wc -c < "$data/events.txt")
for i in 0 1 2; do
  awk -v s=$((i + 1)) -v a="${idle[$i]}" -v b="${open[$i]}" 'BEGIN {printf "silo %d: idle %.2f%%, dashboard open %.2f%%, extra %+.2f%% of one core\n", s, a, b, b - a}'
done
echo "events received: $events ($bytes bytes, $((bytes / (events > 0 ? events : 1))) bytes per event)"
for id in 1 2 3; do echo "silo $id: $(curl -s http://127.0.0.1:$((18080 + id))/dashboard/api/stats)"; done
