#!/usr/bin/env bash
# Vendors the browser libraries from the npm registry into this directory, at
# the pinned versions below, with each package's license:
#   charts        Vega-Lite on Vega, drawn by vega-embed
#   math          KaTeX (+ its woff2 fonts in katex-fonts/)
#   code          highlight.js (common languages) with the GitHub light theme
#   plots         Plotly, the "strict" build (needs no 'unsafe-eval')
#   maps          Leaflet (+ its marker images in leaflet-images/)
#   icons         Material Symbols Rounded, weight 400, static woff2
#   graphs        Graphviz compiled to WebAssembly (viz.js, wasm embedded)
#   tables        Apache Arrow (decodes the Arrow IPC tables the host sends)
# The host embeds these files in its binary and serves them at
# /_/vendor/<file>; nothing is fetched at run time. The files are the
# published ones unchanged, except the url(...) references in katex.min.css
# and leaflet.css, which are rewritten to the folders above.
#
#   bash host/frontend/vendor/update.sh
set -euo pipefail
cd "$(dirname "$0")"

VEGA=6.4.0
VEGA_LITE=6.5.0
VEGA_EMBED=7.3.0
KATEX=0.16.47
HIGHLIGHT=11.12.0                  # @highlightjs/cdn-assets
PLOTLY=4.1.1                       # plotly.js-strict-dist-min
LEAFLET=1.9.4
MATERIAL_SYMBOLS_ROUNDED=5.3.8     # @fontsource/material-symbols-rounded
VIZ=3.31.0                         # @viz-js/viz
ARROW=21.2.0                       # apache-arrow

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent \
  "vega@$VEGA" "vega-lite@$VEGA_LITE" "vega-embed@$VEGA_EMBED" \
  "katex@$KATEX" \
  "@highlightjs/cdn-assets@$HIGHLIGHT" \
  "plotly.js-strict-dist-min@$PLOTLY" \
  "leaflet@$LEAFLET" \
  "@fontsource/material-symbols-rounded@$MATERIAL_SYMBOLS_ROUNDED" \
  "@viz-js/viz@$VIZ" \
  "apache-arrow@$ARROW" >/dev/null)

extract() { # package version -> prints the unpacked package directory
  local name=${1#@}; name=${name//\//-}
  mkdir -p "$work/$name"
  tar xzf "$work/$name-$2.tgz" -C "$work/$name"
  echo "$work/$name/package"
}

unpack() { # package version file
  local dir; dir=$(extract "$1" "$2")
  cp "$dir/build/$3" "./$3"
  cp "$dir/LICENSE" "./LICENSE-$1"
}
unpack vega "$VEGA" vega.min.js
unpack vega-lite "$VEGA_LITE" vega-lite.min.js
unpack vega-embed "$VEGA_EMBED" vega-embed.min.js

# KaTeX: script, stylesheet and the woff2 fonts only. Each @font-face src list
# (woff2, woff, ttf) becomes the single woff2 in katex-fonts/.
dir=$(extract katex "$KATEX")
cp "$dir/dist/katex.min.js" ./katex.min.js
rm -rf katex-fonts && mkdir katex-fonts
cp "$dir"/dist/fonts/*.woff2 katex-fonts/
sed -E 's#url\(fonts/([A-Za-z0-9_-]+)\.woff2\) format\("woff2"\),url\(fonts/\1\.woff\) format\("woff"\),url\(fonts/\1\.ttf\) format\("truetype"\)#url(katex-fonts/\1.woff2) format("woff2")#g' \
  "$dir/dist/katex.min.css" > katex.min.css
cp "$dir/LICENSE" ./LICENSE-katex

# highlight.js: the common-languages build and the GitHub light theme.
dir=$(extract @highlightjs/cdn-assets "$HIGHLIGHT")
cp "$dir/highlight.min.js" ./highlight.min.js
cp "$dir/styles/github.min.css" ./highlight-github.min.css
cp "$dir/LICENSE" ./LICENSE-highlight.js

# Plotly, strict build.
dir=$(extract plotly.js-strict-dist-min "$PLOTLY")
cp "$dir/plotly-strict.min.js" ./plotly.min.js
cp "$dir/LICENSE" ./LICENSE-plotly.js

# Leaflet: the stylesheet's images/ become leaflet-images/.
dir=$(extract leaflet "$LEAFLET")
cp "$dir/dist/leaflet.js" ./leaflet.js
rm -rf leaflet-images && mkdir leaflet-images
cp "$dir"/dist/images/*.png leaflet-images/
sed 's#url(images/#url(leaflet-images/#g' "$dir/dist/leaflet.css" > leaflet.css
cp "$dir/LICENSE" ./LICENSE-leaflet

# Material Symbols Rounded: the static weight-400 font (no FILL/GRAD/wght/opsz
# axes; same 4,299 icon ligatures as the variable fonts, smallest woff2).
dir=$(extract @fontsource/material-symbols-rounded "$MATERIAL_SYMBOLS_ROUNDED")
cp "$dir/files/material-symbols-rounded-latin-400-normal.woff2" ./material-symbols-rounded.woff2
cp "$dir/LICENSE" ./LICENSE-material-symbols-rounded

# viz.js: the UMD build with the wasm embedded (defines the global Viz).
# The package ships no LICENSE file; its package.json says MIT.
dir=$(extract @viz-js/viz "$VIZ")
cp "$dir/dist/viz-global.js" ./viz-standalone.js
test "$(node -p "require('$dir/package.json').license")" = MIT
cat > LICENSE-viz <<'LICENSE'
viz.js (@viz-js/viz), https://github.com/mdaines/viz-js
License: MIT (the npm package ships no LICENSE file; this text is the
repository's LICENSE).

Copyright (c) 2014-2016 Michael Daines

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

viz-standalone.js also contains, in object code form (WebAssembly):
  Graphviz, https://www.graphviz.org, Eclipse Public License 1.0
    (source: https://gitlab.com/graphviz/graphviz)
  Expat, https://libexpat.github.io, MIT License
LICENSE

# Apache Arrow: the ES2015 UMD build (defines the global Arrow), its license
# and its NOTICE.
dir=$(extract apache-arrow "$ARROW")
cp "$dir/Arrow.es2015.min.js" ./arrow.min.js
cp "$dir/LICENSE.txt" ./LICENSE-apache-arrow
cp "$dir/NOTICE.txt" ./NOTICE-apache-arrow

# The rewritten stylesheets must point only at files vendored here.
check_urls() { # css allowed-pattern
  local url bad=0
  while read -r url; do
    case "$url" in
      \#*) ;;                                      # leaflet's url(#default#VML)
      *) if [[ ! "$url" =~ $2 ]] || [ ! -f "$url" ]; then echo "$1: bad url($url)" >&2; bad=1; fi ;;
    esac
  done < <(grep -o 'url([^)]*)' "$1" | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//')
  return $bad
}
check_urls katex.min.css '^katex-fonts/[A-Za-z0-9_-]+\.woff2$'
check_urls leaflet.css '^leaflet-images/[A-Za-z0-9_-]+\.png$'

cat > VERSIONS <<VERSIONS
vega $VEGA
vega-lite $VEGA_LITE
vega-embed $VEGA_EMBED
katex $KATEX
@highlightjs/cdn-assets $HIGHLIGHT
plotly.js-strict-dist-min $PLOTLY
leaflet $LEAFLET
@fontsource/material-symbols-rounded $MATERIAL_SYMBOLS_ROUNDED
@viz-js/viz $VIZ
apache-arrow $ARROW
VERSIONS
find . -type f ! -name update.sh ! -name VERSIONS -printf '%P\n' | LC_ALL=C sort \
  | xargs sha256sum >> VERSIONS
echo "vendored: $(grep -v '  ' VERSIONS | tr '\n' ' ')"
