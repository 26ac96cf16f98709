#!/bin/sh
# plot_formats.sh: every plot option writes SVG, PNG or PDF by the file's
# extension. The BCG forest plot as PNG (the default 300 dpi, and --width
# 170 at 300 and 150 dpi) and as PDF (its page in points, every font
# embedded), the funnel, bubble, leave-one-out, Baujat and network plots in each
# format, SVG with --width in mm, the same bytes on a rerun, and nothing
# written when a plot cannot be made. Usage: plot_formats.sh PATH/TO/metak
# Under valgrind (METAK_VALGRIND set) one PNG, one PDF and the refusal run:
# every plot reaches the same conversion (plot/convert.c), and librsvg
# under memcheck takes half a minute a file.
set -u
metak=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
bcg=data/published/bcg.csv
pass=0; bad=0
ok() { pass=$((pass + 1)); }
fail() { bad=$((bad + 1)); echo "FAIL plot formats: $*" >&2; }
# the drawing's size in px (the root element's width and height)
size() { sed -n 's/^<svg .* width="\([0-9.]*\)" height="\([0-9.]*\)".*/\1 \2/p' "$1"; }
calc() { python3 -c "import sys; print($1)"; }

"$metak" pool $bcg --svg "$tmp/f.svg" >/dev/null || fail "forest svg"
set -- $(size "$tmp/f.svg"); W=$1 H=$2
# PNG: round(width in inches x dpi) pixels across, the height in proportion
png() {	# png FILE WIDTH_IN DPI
	pw=$(calc "round($2 * $3)"); ph=$(calc "round($pw * $H / $W)")
	python3 tests/png_check.py "$1" "$pw" "$ph" >/dev/null &&
	    file_is "$1" 89504e47 || return 1
}
# file_is FILE HEX: the file starts with these bytes (PNG 89504e47, PDF
# 25504446 "%PDF")
file_is() { [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = "$2" ]; }
"$metak" pool $bcg --svg "$tmp/f.png" >/dev/null &&
    png "$tmp/f.png" "$W / 96" 300 && ok || fail "forest png, default size"
if [ -z "${METAK_VALGRIND:-}" ]; then
"$metak" pool $bcg --svg "$tmp/f170.png" --width 170 >/dev/null &&
    png "$tmp/f170.png" "170 / 25.4" 300 && ok || fail "forest png --width 170"
"$metak" pool $bcg --svg "$tmp/f150.PNG" --width 170 --dpi 150 >/dev/null &&
    png "$tmp/f150.PNG" "170 / 25.4" 150 && ok || fail "forest png --dpi 150"
fi
# PDF: the page in points (72 to the inch), fonts embedded
"$metak" pool $bcg --svg "$tmp/f.pdf" --width 170 >/dev/null &&
    python3 tests/pdf_check.py "$tmp/f.pdf" "$(calc "170 / 25.4 * 72")" \
    "$(calc "170 / 25.4 * 72 * $H / $W")" >/dev/null && ok ||
    fail "forest pdf --width 170"
if [ -z "${METAK_VALGRIND:-}" ]; then
"$metak" pool $bcg --svg "$tmp/g.pdf" >/dev/null &&
    python3 tests/pdf_check.py "$tmp/g.pdf" "$(calc "$W * 0.75")" \
    "$(calc "$H * 0.75")" >/dev/null && ok || fail "forest pdf, default size"
# the same bytes on a rerun
"$metak" pool $bcg --svg "$tmp/f2.pdf" --width 170 >/dev/null &&
    cmp -s "$tmp/f.pdf" "$tmp/f2.pdf" && ok || fail "pdf rerun differs"
"$metak" pool $bcg --svg "$tmp/f2.png" >/dev/null &&
    cmp -s "$tmp/f.png" "$tmp/f2.png" && ok || fail "png rerun differs"
# SVG with --width: the size in mm, the drawing unchanged
"$metak" pool $bcg --svg "$tmp/mm.svg" --width 170 >/dev/null &&
    grep -q '^<svg .* width="170.00mm" height="[0-9.]*mm" viewBox="0 0 ' \
    "$tmp/mm.svg" && ok || fail "svg --width"
# every plot option, in each format
for ext in png pdf; do
	"$metak" bias $bcg --funnel "$tmp/fun.$ext" >/dev/null &&
	    "$metak" pool $bcg --mods ablat --bubble "$tmp/bub.$ext" >/dev/null &&
	    "$metak" pool $bcg --leave-one-out --svg "$tmp/loo.$ext" >/dev/null &&
	    "$metak" pool $bcg --baujat "$tmp/bj.$ext" >/dev/null &&
	    "$metak" pool data/published/konstantopoulos2011.csv \
	    --random district/school --svg "$tmp/ml.$ext" >/dev/null &&
	    "$metak" network data/published/hasselblad1998.csv \
	    --svg "$tmp/nf.$ext" --graph "$tmp/ng.$ext" >/dev/null &&
	    ok || fail "plots as $ext"
	for f in fun bub loo bj ml nf ng; do
		case $ext in
		png) file_is "$tmp/$f.png" 89504e47 || fail "$f.png header" ;;
		pdf) file_is "$tmp/$f.pdf" 25504446 || fail "$f.pdf header" ;;
		esac
	done
done
fi
# nothing written when a plot cannot be made (too many pixels)
"$metak" pool $bcg --svg "$tmp/huge.png" --width 5000 --dpi 2400 \
    --output "$tmp/report.txt" >/dev/null 2>&1
[ $? = 2 ] && [ ! -e "$tmp/huge.png" ] && [ ! -e "$tmp/report.txt" ] &&
    ok || fail "an impossible PNG left files behind or exited wrong"
echo "plot formats: $pass passed, $bad failed"
[ $bad = 0 ]
