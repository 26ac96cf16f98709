#!/bin/sh
# reproducible.sh METAK: runs every analysis twice into two copies of the
# tree and requires byte-identical outputs (no timestamps, fixed formats).
# Under valgrind (METAK_VALGRIND set) it runs each analysis once: memcheck
# needs one pass; byte-identity is the plain suite's to check.
set -eu
metak=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
runs="1 2"
[ -z "${METAK_VALGRIND:-}" ] || runs=1
for run in $runs; do
	mkdir -p "$tmp/$run"
	cp -r analyses data "$tmp/$run/"
	for a in "$tmp/$run"/analyses/*/; do
		[ -f "$a/Makefile" ] || continue
		make -s -C "$a" clean >/dev/null
		make -s -C "$a" METAK="$metak" >/dev/null
	done
done
if [ "$runs" = 1 ]; then
	n=$(find "$tmp/1/analyses" -path '*/out/*' -type f | wc -l)
	echo "reproducible: $n outputs made once (valgrind), not compared"
elif diff -r "$tmp/1/analyses" "$tmp/2/analyses" >/dev/null; then
	n=$(find "$tmp/1/analyses" -path '*/out/*' -type f | wc -l)
	echo "reproducible: $n passed, 0 failed"
else
	diff -r "$tmp/1/analyses" "$tmp/2/analyses" | head -20
	echo "reproducible: 0 passed, 1 failed"
	exit 1
fi
