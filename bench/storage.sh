#!/usr/bin/env bash
# Reproduces the storage figures in bench/RESULTS.md: the disk's raw sync rate, then the SQLite
# and PostgreSQL stores under closed-loop load from 1, 100 and 1000 replicas. Takes ~6 minutes.
# The machine is shared and noisy: every configuration runs several rounds; quote the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-bench-data}
mkdir -p "$dir"
dotnet build bench/Storage.Bench -c Release -v q -nologo >/dev/null
bench() { dotnet bench/Storage.Bench/bin/Release/net10.0/Storage.Bench.dll "$@"; }

echo "== raw sync rate of the disk under $dir"
bench fsync --dir "$dir" --seconds 3
if command -v fio >/dev/null; then
  fio --name=fdatasync --rw=write --bs=4k --size=64m --fdatasync=1 --ioengine=sync --runtime=5 --time_based \
      --overwrite=1 --filename="$dir/fio.bin" | grep -E "IOPS|sync \(usec|50.00th"
  rm -f "$dir/fio.bin"
fi

echo "== SQLite, one replica, one record per batch, against the raw fdatasync rate (interleaved)"
bench store --dir "$dir" --replicas 1 --rounds 5 --seconds 3 --with-fdatasync

echo "== SQLite, 100 and 1000 replicas"
for k in 1 16 32; do
  bench store --dir "$dir" --replicas 100 1000 --records-per-batch "$k" --rounds 3 --seconds 5
done

echo "== PostgreSQL (throwaway local server, fsync on)"
# shellcheck source=scripts/test-postgres.sh
source scripts/test-postgres.sh
for k in 1 16 32; do
  bench store --provider postgresql --connection "$SYNOD_TEST_POSTGRES" --replicas 1 100 1000 --records-per-batch "$k" --rounds 3 --seconds 5
done
