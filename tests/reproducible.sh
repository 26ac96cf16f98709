#!/bin/sh
# reproducible.sh METAK: runs every analysis twice into two copies of the
# tree and requires byte-identical outputs (no timestamps, fixed formats).
set -eu
metak=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for run in 1 2; do
	mkdir -p "$tmp/$run"
	cp -r analyses data "$tmp/$run/"
	for a in "$tmp/$run"/analyses/*/; do
		[ -f "$a/Makefile" ] || continue
		make -s -C "$a" clean >/dev/null
		make -s -C "$a" METAK="$metak" >/dev/null
	done
done
if diff -r "$tmp/1/analyses" "$tmp/2/analyses" >/dev/null; then
	n=$(find "$tmp/1/analyses" -path '*/out/*' -type f | wc -l)
	echo "reproducible: $n passed, 0 failed"
else
	diff -r "$tmp/1/analyses" "$tmp/2/analyses" | head -20
	echo "reproducible: 0 passed, 1 failed"
	exit 1
fi
