#!/usr/bin/env bash
# Re-vendor the front-end libraries from the npm registry at pinned versions.
# The files are committed under schakel/static/vendor/ so that no page ever
# loads from a CDN (municipal networks are often closed). Run by hand when a
# version changes; `make run` and CI do not need the network for this.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() {  # fetch NAME VERSION -> unpacked into $tmp/NAME
  (cd "$tmp" && npm pack --silent "$1@$2" >/dev/null && mkdir -p "$1" && tar xzf ./*.tgz -C "$1" && rm ./*.tgz)
}
fetch htmx.org 2.0.11
mkdir -p schakel/static/vendor/htmx
cp "$tmp/htmx.org/package/dist/htmx.min.js" schakel/static/vendor/htmx/htmx-2.0.11.min.js
cp "$tmp/htmx.org/package/LICENSE" schakel/static/vendor/htmx/LICENSE
# Other apps append their libraries below (leaflet, chart library, bpmn-js).
