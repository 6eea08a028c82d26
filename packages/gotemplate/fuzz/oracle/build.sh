#!/usr/bin/env bash
# Builds the streaming Go oracle from Debian's Go toolchain and Debian's packaged sprig (no other
# downloads): apt-get install golang-go golang-github-masterminds-sprig-dev (Debian 12: Go 1.19,
# sprig 3.2.3). Usage: build.sh OUTPUT_PATH
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: build.sh OUTPUT_PATH}"
if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/github.com/Masterminds/sprig ]; then
  echo "needs Debian's golang-go and golang-github-masterminds-sprig-dev" >&2
  exit 3
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/main.go" "$work/"
cd "$work"
GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE="$work/cache" go build -o "$out.tmp" main.go
mv "$out.tmp" "$out"
