#!/usr/bin/env bash
# Runs every test of Synod on a fresh machine. Whatever the tests need beyond the .NET SDK is
# installed here when missing (nothing yet; PostgreSQL and Chromium arrive with their issues).
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build Cluster.sln -c Release -warnaserror
dotnet test Cluster.sln -c Release --no-build
