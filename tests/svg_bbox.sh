#!/bin/sh
# svg_bbox.sh: no text of any SVG the golden CLI cases pin falls outside
# its canvas or crosses a plot's dashed line of no effect, as laid out by a
# real browser: headless Chromium computes each text element's bounding box
# (as drawn, fonts as installed) and the page reports those that do.
# Usage: svg_bbox.sh
set -u
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; bad=0
for golden in tests/cli/*/stdout; do
	grep -q '^<svg ' "$golden" || continue
	c=$(basename "$(dirname "$golden")")
	{
		echo '<!DOCTYPE html><html><body style="margin:0">'
		sed 1d "$golden"	# the XML declaration
		cat <<'EOS'
<script>
var s = document.querySelector("svg"), W = +s.getAttribute("width"),
    H = +s.getAttribute("height"), c = s.getBoundingClientRect(), out = [],
    n = 0;
/* the dashed line of no effect: no text may cross it */
var nl = [].slice.call(document.querySelectorAll("svg line[stroke-dasharray]"))
    .map(function (l) { return l.getBoundingClientRect(); });
document.querySelectorAll("svg text").forEach(function (t) {
	var b = t.getBoundingClientRect(),	/* after any rotation */
	    x0 = b.left - c.left, y0 = b.top - c.top,
	    x1 = b.right - c.left, y1 = b.bottom - c.top;
	n++;
	if (x0 < -0.5 || y0 < -0.5 || x1 > W + 0.5 || y1 > H + 0.5)
		out.push(JSON.stringify(t.textContent) + " at " +
		    [x0, y0, x1, y1].map(Math.round));
	nl.forEach(function (l) {
		if (b.left < l.left && b.right > l.right &&
		    b.bottom > l.top + 1 && b.top < l.bottom - 1)
			out.push(JSON.stringify(t.textContent) +
			    " crosses the line of no effect");
	});
});
document.body.setAttribute("data-bbox", out.length ? "OUTSIDE " + W + "x" +
    H + ": " + out.join("; ") : "inside " + n);
</script></body></html>
EOS
	} >"$tmp/$c.html"
	r=$(chromium --headless --no-sandbox --disable-gpu --dump-dom \
	    "file://$tmp/$c.html" 2>/dev/null | grep -o 'data-bbox="[^"]*"')
	case $r in
	*'"inside '*) pass=$((pass + 1)) ;;
	*) bad=$((bad + 1)); echo "FAIL bbox: $c: ${r:-no answer}" >&2 ;;
	esac
done
echo "svg bbox: $pass passed, $bad failed"
[ $pass -gt 0 ] && [ $bad = 0 ]
