#!/usr/bin/env bash
# Vendors the charting library (Vega-Lite on Vega, drawn by vega-embed) from
# the npm registry into this directory, at the pinned versions below, with
# each package's license. The host embeds these files in its binary and
# serves them at /_/vendor/<file>; nothing is fetched at run time.
#
#   bash host/frontend/vendor/update.sh
set -euo pipefail
cd "$(dirname "$0")"

VEGA=6.4.0
VEGA_LITE=6.5.0
VEGA_EMBED=7.3.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "vega@$VEGA" "vega-lite@$VEGA_LITE" "vega-embed@$VEGA_EMBED" >/dev/null)

unpack() { # package version file
  mkdir -p "$work/$1"
  tar xzf "$work/$1-$2.tgz" -C "$work/$1"
  cp "$work/$1/package/build/$3" "./$3"
  cp "$work/$1/package/LICENSE" "./LICENSE-$1"
}
unpack vega "$VEGA" vega.min.js
unpack vega-lite "$VEGA_LITE" vega-lite.min.js
unpack vega-embed "$VEGA_EMBED" vega-embed.min.js

cat > VERSIONS <<VERSIONS
vega $VEGA
vega-lite $VEGA_LITE
vega-embed $VEGA_EMBED
VERSIONS
sha256sum vega.min.js vega-lite.min.js vega-embed.min.js >> VERSIONS
echo "vendored: $(tr '\n' ' ' < VERSIONS)"
