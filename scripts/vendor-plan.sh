#!/usr/bin/env bash
# Re-vendor the plan app's chart library (Chart.js) from the npm registry at a
# pinned version; the files are committed under schakel/static/vendor/chartjs/
# so no page loads from a CDN. Run by hand when the version changes.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.5.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "chart.js@$VERSION" >/dev/null && mkdir -p chart.js && tar xzf ./*.tgz -C chart.js && rm ./*.tgz)
mkdir -p schakel/static/vendor/chartjs
cp "$tmp/chart.js/package/dist/chart.umd.min.js" "schakel/static/vendor/chartjs/chart-$VERSION.umd.min.js"
cp "$tmp/chart.js/package/LICENSE.md" schakel/static/vendor/chartjs/LICENSE.md
