#!/usr/bin/env bash
# Write throughput of one group vs 64 groups on the dev cluster (three silos in one process, 64
# Raft groups, SQLite with fsync): Cluster.Bench drives 128-byte writes through SynodClient with
# every key in one group, then keys spread over all 64. Rounds interleave; quote the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}; seconds=${SECONDS_PER_RUN:-10}; concurrency=${CONCURRENCY:-256}
dotnet build Cluster.sln -c Release -warnaserror >/dev/null
work=$(mktemp -d); trap 'kill "$silo" 2>/dev/null || true; wait "$silo" 2>/dev/null || true; rm -rf "$work"' EXIT
(cd "$work" && exec dotnet "$OLDPWD/src/Silo/bin/Release/net10.0/Synod.Silo.dll" >"$work/silo.log" 2>&1) & silo=$!
until curl -sf http://127.0.0.1:8081/v1/groups | grep -q '"fromMetaGroup":true'; do sleep 0.5; done
bench="dotnet bench/Cluster.Bench/bin/Release/net10.0/Cluster.Bench.dll --concurrency $concurrency --seconds $seconds"
for r in $(seq "$rounds"); do $bench --groups 1; $bench --groups 64; done
