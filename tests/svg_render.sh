#!/bin/sh
# svg_render.sh: every SVG the golden CLI cases pin must be valid XML
# (xmllint), render with rsvg-convert and with headless Chromium, and the
# rendered images must have the SVG's size and be neither blank nor flooded.
# Usage: svg_render.sh PATH/TO/metak
set -u
bin=$(cd "$(dirname "$1")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; bad=0
for golden in tests/cli/*/stdout; do
	grep -q '^<svg ' "$golden" || continue
	c=$(basename "$(dirname "$golden")")
	svg="$tmp/$c.svg"
	cp "$golden" "$svg"
	w=$(sed -n 's/^<svg .* width="\([0-9]*\)".*/\1/p' "$svg")
	h=$(sed -n 's/^<svg .* height="\([0-9]*\)".*/\1/p' "$svg")
	ok=1
	xmllint --noout "$svg" || ok=0
	rsvg-convert "$svg" -o "$tmp/$c.rsvg.png" &&
	    python3 tests/png_check.py "$tmp/$c.rsvg.png" "$w" "$h" || ok=0
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
	    --default-background-color=ffffffff --window-size="$w,$h" \
	    --screenshot="$tmp/$c.chrome.png" "file://$svg" >/dev/null 2>&1 &&
	    python3 tests/png_check.py "$tmp/$c.chrome.png" "$w" "$h" || ok=0
	if [ $ok = 1 ]; then pass=$((pass+1)); else bad=$((bad+1)); echo "FAIL svg: $c" >&2; fi
done
echo "svg: $pass passed, $bad failed"
[ $pass -gt 0 ] && [ $bad = 0 ]
