#!/usr/bin/env bash
# Vendor Leaflet (maps of the places and neighbourhoods apps) from the npm
# registry at a pinned version into schakel/static/vendor/leaflet/. Run by hand
# when the version changes; the files are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=1.9.4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "leaflet@$VERSION" >/dev/null && tar xzf ./leaflet-*.tgz)
dest=schakel/static/vendor/leaflet
mkdir -p "$dest/images"
cp "$tmp/package/dist/leaflet.js" "$dest/leaflet-$VERSION.js"
cp "$tmp/package/dist/leaflet.css" "$dest/leaflet-$VERSION.css"
cp "$tmp/package/dist/images/"*.png "$dest/images/"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
