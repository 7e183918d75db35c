#!/usr/bin/env bash
# Copy the front-end packages npm installed into static/vendor, so the portal serves them
# itself (no third-party requests from citizen pages), then compress every static text file
# at build time (static/.precompressed, brotli and gzip; portal/web/assets.py serves them
# under fingerprinted names). Run after `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf static/vendor
mkdir -p static/vendor/leaflet
cp -R node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images \
      static/vendor/leaflet/
node scripts/compress-assets.mjs static
