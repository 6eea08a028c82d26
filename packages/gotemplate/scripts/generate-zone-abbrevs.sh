#!/usr/bin/env bash
# Regenerates src/go/zone-abbrevs.ts from the system tz database (Debian's tzdata, which Go's
# time.LoadLocation reads) with the installed Go. Needs only the Go toolchain and tzdata.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../src/go/zone-abbrevs.ts"
cache="$(mktemp -d)"
trap 'rm -rf "$cache"' EXIT
(cd "$here/zone-abbrevs" && GO111MODULE=off GOCACHE="$cache" go run main.go "$@") > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
