#!/usr/bin/env bash
# Vendor the graph library of the cases app (network view inside one case)
# from the npm registry at a pinned version. No CDN. Same pattern as vendor.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
VERSION=3.35.0
(cd "$tmp" && npm pack --silent "cytoscape@$VERSION" >/dev/null && mkdir -p cytoscape && tar xzf ./*.tgz -C cytoscape && rm ./*.tgz)
mkdir -p schakel/static/vendor/cytoscape
cp "$tmp/cytoscape/package/dist/cytoscape.min.js" "schakel/static/vendor/cytoscape/cytoscape-$VERSION.min.js"
cp "$tmp/cytoscape/package/LICENSE" schakel/static/vendor/cytoscape/LICENSE
