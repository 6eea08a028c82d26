#!/usr/bin/env bash
# Regenerates src/go/unicode-tables.ts from the installed Go's unicode package (Debian's golang-go:
# Go 1.19, Unicode 13.0.0). Needs only the Go toolchain.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../src/go/unicode-tables.ts"
cache="$(mktemp -d)"
trap 'rm -rf "$cache"' EXIT
(cd "$here/unicode-tables" && GO111MODULE=off GOCACHE="$cache" go run main.go) > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
