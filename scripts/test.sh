#!/usr/bin/env bash
# Runs every test of Synod on a fresh machine. Whatever the tests need beyond the .NET SDK is
# installed here when missing: PostgreSQL (a throwaway server on 127.0.0.1 for the storage tests) and
# chromium (headless, for the dashboard's browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build Cluster.sln -c Release -warnaserror
# shellcheck source=scripts/test-postgres.sh
source scripts/test-postgres.sh
# shellcheck source=scripts/test-chromium.sh
source scripts/test-chromium.sh
dotnet test Cluster.sln -c Release --no-build
