#!/usr/bin/env bash
# Synod vs etcd, side by side on this machine (issue 8). Starts a three-member etcd cluster
# (Debian's etcd-server, installed with apt-get when missing; data on disk, fsync on as by default)
# and a three-silo Synod cluster (one silo per process, SQLite, default fsync settings, one
# key-value group), then drives both with the same `synod bench` code — Synod through its .NET
# client, etcd through its v3 JSON gateway — and prints one line per workload:
#
#   WORKLOAD synod OPS/s p99 MS | etcd OPS/s p99 MS | ratio R
#
# Workloads: writes of 128-byte values to 16-byte keys at concurrency 1, 16, 64 and 256;
# linearizable reads at 64 (after writing every key once); and a second Synod cluster of 64
# key-value groups written at concurrency 256 with keys spread over all 64, against etcd's best
# write figure. Appends the table, the machine and the targets to bench/RESULTS.md.
#
#   bench/compare-etcd.sh                 # 10 s per run
#   DURATION=5 bench/compare-etcd.sh      # shorter runs
#
# Ports: etcd clients 23791-23793, peers 23801-23803; Synod silos' transport 23711-23713 and HTTP
# 23721-23723 (the 64-group cluster: 23731-23733 and 23741-23743).
set -euo pipefail
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
results="$root/bench/RESULTS.md"
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

if ! command -v etcd >/dev/null; then
  echo "installing Debian's etcd-server" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null
fi

echo "building (Release)" >&2
dotnet build "$root/src/Silo" -c Release -warnaserror >/dev/null
dotnet build "$root/src/Cli" -c Release -warnaserror >/dev/null
silo_dll="$root/src/Silo/bin/Release/net10.0/Synod.Silo.dll"
synod_dll="$root/src/Cli/bin/Release/net10.0/synod.dll"

work=$(mktemp -d /var/tmp/synod-vs-etcd.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "$1" >&2; tail -n 15 "$work"/*.log "$work"/*/*.log >&2 2>/dev/null || true; exit 1; }
trap 'exit 130' INT TERM

# --- etcd: three members on loopback --------------------------------------------------------
cluster=$(for i in 1 2 3; do printf 'e%d=http://127.0.0.1:%d,' "$i" $((23800 + i)); done)
for i in 1 2 3; do
  etcd --name "e$i" --data-dir "$work/etcd-$i" \
    --listen-client-urls "http://127.0.0.1:$((23790 + i))" --advertise-client-urls "http://127.0.0.1:$((23790 + i))" \
    --listen-peer-urls "http://127.0.0.1:$((23800 + i))" --initial-advertise-peer-urls "http://127.0.0.1:$((23800 + i))" \
    --initial-cluster "${cluster%,}" --initial-cluster-token synod-bench --initial-cluster-state new \
    >"$work/etcd-$i.log" 2>&1 &
  pids+=($!)
done
etcd_endpoints="http://127.0.0.1:23791,http://127.0.0.1:23792,http://127.0.0.1:23793"

# --- Synod: three silo processes --------------------------------------------------------------
# start_synod NAME GROUPS TRANSPORT_BASE HTTP_BASE: silos 1-3 on TRANSPORT_BASE+id and HTTP_BASE+id.
start_synod() {
  local name=$1 groups=$2 transport=$3 http=$4 data="$work/$1" peers id
  mkdir -p "$data"
  peers=$(for p in 1 2 3; do printf '{"Id":%d,"TransportEndpoint":"127.0.0.1:%d","HttpEndpoint":"http://127.0.0.1:%d"},' "$p" $((transport + p)) $((http + p)); done)
  for id in 1 2 3; do
    cat >"$data/silo-$id.json" <<JSON
{"Synod":{"Silo":{"Id":$id,"ClusterKey":"compare-etcd-cluster-key-0123456789","TransportEndpoint":"127.0.0.1:$((transport + id))",
 "HttpEndpoint":"http://127.0.0.1:$((http + id))","DataDirectory":"$data","KeyValueGroups":$groups,"Silos":[${peers%,}]}}}
JSON
    (cd "$data" && exec dotnet "$silo_dll" --config "$data/silo-$id.json" >"$data/silo-$id.log" 2>&1) &
    pids+=($!)
  done
}

# wait_synod HTTP_BASE GROUPS: until silo 1 sees every key-value group and the meta group led.
wait_synod() {
  local deadline=$((SECONDS + 180))
  until [ "$(curl -sf "http://127.0.0.1:$(($1 + 1))/v1/status" | jq '[.groups[] | select(any(.replicas[]; .role == "Leader"))] | length' 2>/dev/null || echo 0)" -ge $(($2 + 1)) ]; do
    [ $SECONDS -lt $deadline ] || fail "the Synod cluster on port $(($1 + 1)) did not come up"
    sleep 1
  done
}

wait_etcd() {
  local deadline=$((SECONDS + 60))
  for i in 1 2 3; do
    until curl -sf "http://127.0.0.1:$((23790 + i))/health" | grep -q '"health":"true"'; do
      [ $SECONDS -lt $deadline ] || fail "etcd member $i did not come up"
      sleep 0.5
    done
  done
}

start_synod one-group 1 23710 23720
synod_endpoints="http://127.0.0.1:23721,http://127.0.0.1:23722,http://127.0.0.1:23723"
wait_etcd
wait_synod 23720 1
echo "etcd $(etcd --version | head -n1 | awk '{print $3}') and Synod are up" >&2

# bench TARGET ENDPOINTS ARGS...: one run; prints "OPS P50 P99" (ms).
bench() {
  local target=$1 endpoints=$2 out
  shift 2
  out=$(dotnet "$synod_dll" bench --target "$target" --endpoints "$endpoints" --duration "${bench_duration:-$DURATION}s" --warmup "${WARMUP}s" \
    --value-size 128 --key-size 16 --keys 1000 --json "$@" 2>>"$work/bench-progress.log")
  echo "$out" >>"$work/bench.jsonl"
  jq -r '"\(.opsPerSecond) \(.latencyMs.p50) \(.latencyMs.p99) \(.errors)"' <<<"$out"
}

rows=()
line() { # WORKLOAD SYNOD_OPS SYNOD_P50 SYNOD_P99 SYNOD_ERR ETCD_OPS ETCD_P50 ETCD_P99 ETCD_ERR
  local ratio
  ratio=$(awk -v a="$2" -v b="$6" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  printf '%s synod %.0f ops/s p99 %.2f ms | etcd %.0f ops/s p99 %.2f ms | ratio %s\n' "$1" "$2" "$4" "$6" "$8" "$ratio"
  rows+=("$(printf '| %s | %.0f | %.3f | %.2f | %s | %.0f | %.3f | %.2f | %s | %s |' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "$ratio")")
}

# One unrecorded run against each first: the silos' JIT and connection pools warm up, etcd's too.
bench_duration=5 bench synod "$synod_endpoints" --concurrency 64 --groups 1 >/dev/null
bench_duration=5 bench etcd "$etcd_endpoints" --concurrency 64 >/dev/null

declare -A synod etcd
for c in 1 16 64 256; do
  synod[w$c]=$(bench synod "$synod_endpoints" --concurrency "$c" --groups 1)
  etcd[w$c]=$(bench etcd "$etcd_endpoints" --concurrency "$c")
  # shellcheck disable=SC2086
  line "writes-c$c" ${synod[w$c]} ${etcd[w$c]}
done
synod[r64]=$(bench synod "$synod_endpoints" --concurrency 64 --groups 1 --read-ratio 1)
etcd[r64]=$(bench etcd "$etcd_endpoints" --concurrency 64 --read-ratio 1)
# shellcheck disable=SC2086
line "reads-c64" ${synod[r64]} ${etcd[r64]}

# The 64-group cluster, alone: the one-group cluster is stopped first so it costs no CPU.
for pid in "${pids[@]:3:3}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
start_synod sixty-four-groups 64 23730 23740
wait_synod 23740 64
bench_duration=5 bench synod "http://127.0.0.1:23741,http://127.0.0.1:23742,http://127.0.0.1:23743" --concurrency 256 --groups 64 >/dev/null
best=w1
for c in 16 64 256; do
  if awk -v a="$(cut -d' ' -f1 <<<"${etcd[w$c]}")" -v b="$(cut -d' ' -f1 <<<"${etcd[$best]}")" 'BEGIN { exit !(a > b) }'; then best=w$c; fi
done
synod[g64]=$(bench synod "http://127.0.0.1:23741,http://127.0.0.1:23742,http://127.0.0.1:23743" --concurrency 256 --groups 64)
# shellcheck disable=SC2086
line "writes-c256-64groups(etcd-best=${best#w})" ${synod[g64]} ${etcd[$best]}

# --- Targets (figures, not tests) ---------------------------------------------------------------
field() { cut -d' ' -f"$2" <<<"$1"; }
verdict() { awk "BEGIN { exit !($1) }" && echo met || echo MISSED; }
targets=(
  "p50 of writes at concurrency 1: $(field "${synod[w1]}" 2) ms (target <= 0.35 ms): $(verdict "$(field "${synod[w1]}" 2) <= 0.35")"
  "writes at concurrency 64: $(awk -v a="$(field "${synod[w64]}" 1)" -v b="$(field "${etcd[w64]}" 1)" 'BEGIN { printf "%.2f", a / b }')x etcd (target >= 2x): $(verdict "$(field "${synod[w64]}" 1) >= 2 * $(field "${etcd[w64]}" 1)"); p99 $(field "${synod[w64]}" 3) vs etcd $(field "${etcd[w64]}" 3) ms (target <=): $(verdict "$(field "${synod[w64]}" 3) <= $(field "${etcd[w64]}" 3)")"
  "reads at concurrency 64: $(awk -v a="$(field "${synod[r64]}" 1)" -v b="$(field "${etcd[r64]}" 1)" 'BEGIN { printf "%.2f", a / b }')x etcd (target >= 3x): $(verdict "$(field "${synod[r64]}" 1) >= 3 * $(field "${etcd[r64]}" 1)")"
  "64 groups at concurrency 256: $(awk -v a="$(field "${synod[g64]}" 1)" -v b="$(field "${etcd[$best]}" 1)" 'BEGIN { printf "%.2f", a / b }')x etcd's best (target >= 5x): $(verdict "$(field "${synod[g64]}" 1) >= 5 * $(field "${etcd[$best]}" 1)")"
)
printf 'target: %s\n' "${targets[@]}"

# --- bench/RESULTS.md -------------------------------------------------------------------------
heading="## synod vs etcd (bench/compare-etcd.sh)"
grep -qxF "$heading" "$results" || printf '\n%s\n\nHow: `bench/compare-etcd.sh` (see its header). Both clusters are driven by the same `synod bench` code: Synod through `SynodClient`, etcd through its v3 JSON gateway, closed loop, 1000 keys chosen uniformly at random. Ops/s over the measured window; latency in ms from the client.\n' "$heading" >>"$results"
{
  echo
  echo "### $(date -u '+%Y-%m-%d %H:%M UTC'): ${DURATION} s per run"
  echo
  echo "Machine: nproc $(nproc), kernel $(uname -r), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), disk $(findmnt -no SOURCE,FSTYPE -T "$work" | tr '\n' ' ')(rotational $(cat "/sys/block/$(basename "$(findmnt -no SOURCE -T "$work")")/queue/rotational" 2>/dev/null || echo '?')), load average at the start $load_at_start; etcd $(etcd --version | head -n1 | awk '{print $3}'), .NET $(dotnet --version)."
  echo
  echo "| Workload | Synod ops/s | Synod p50 ms | Synod p99 ms | Synod errors | etcd ops/s | etcd p50 ms | etcd p99 ms | etcd errors | Ratio |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${rows[@]}"
  echo
  printf -- '- %s\n' "${targets[@]}"
} >>"$results"
echo "appended to $results" >&2
