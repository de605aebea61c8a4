#!/usr/bin/env bash
# Vendor bpmn-js (viewer and modeler bundles, with their CSS and font) from the
# npm registry at a pinned version into schakel/static/vendor/bpmn-js/.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=18.31.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "bpmn-js@$VERSION" >/dev/null && mkdir -p bpmn-js && tar xzf ./*.tgz -C bpmn-js && rm ./*.tgz)
src="$tmp/bpmn-js/package/dist"
dst=schakel/static/vendor/bpmn-js
rm -rf "$dst"
mkdir -p "$dst/css" "$dst/font"
cp "$src/bpmn-navigated-viewer.production.min.js" "$dst/bpmn-navigated-viewer-$VERSION.min.js"
cp "$src/bpmn-modeler.production.min.js" "$dst/bpmn-modeler-$VERSION.min.js"
cp "$src/assets/diagram-js.css" "$dst/css/diagram-js-$VERSION.css"
cp "$src/assets/bpmn-js.css" "$dst/css/bpmn-js-$VERSION.css"
cp "$src/assets/bpmn-font/css/bpmn.css" "$dst/font/bpmn-$VERSION.css"
# The font CSS points at ../font/bpmn.*; modern browsers take woff2 or woff.
cp "$src/assets/bpmn-font/font/bpmn.woff2" "$src/assets/bpmn-font/font/bpmn.woff" "$dst/font/"
cp "$tmp/bpmn-js/package/LICENSE" "$dst/LICENSE"
echo "bpmn-js $VERSION vendored into $dst"
