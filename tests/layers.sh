#!/bin/sh
# layers.sh OBJDIR: the layers of metak/ (metak/README.md) hold. Fails when
# a file includes the header of a layer above its own, when an object file
# calls a function defined in a layer above its own, or when two files call
# each other (directly or round a longer loop). OBJDIR is build/obj.
set -u
obj=${1:-build/obj}
order="base read effects fit analyses render plot cli"
rank() { n=0; for l in $order; do [ "$l" = "$1" ] && { echo $n; return; }; n=$((n + 1)); done; echo 99; }
bad=0

# includes: "LAYER/..." only for a layer at or below the file's own
for f in metak/*/*.c metak/*/*.h; do
	own=$(basename "$(dirname "$f")"); r=$(rank "$own")
	for inc in $(sed -n 's/^#include "\([a-z]*\)\/.*/\1/p' "$f"); do
		if [ "$(rank "$inc")" -gt "$r" ]; then
			echo "layers: $f includes a header of $inc/, a layer above $own/" >&2
			bad=1
		fi
	done
done

# calls: every undefined symbol of an object resolved to the object that
# defines it; the callee's layer must not be above the caller's
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for o in "$obj"/*/*.o; do
	f=${o#"$obj"/}; f=${f%.o}
	nm -g --defined-only "$o" | awk -v f="$f" 'NF == 3 {print $3, f}'
done | sort >"$tmp/defs"
for o in "$obj"/*/*.o; do
	f=${o#"$obj"/}; f=${f%.o}
	nm -u "$o" | awk -v f="$f" '{print $NF, f}'
done | sort >"$tmp/uses"
join "$tmp/uses" "$tmp/defs" | awk '$2 != $3 {print $2, $3, $1}' >"$tmp/calls"
[ -s "$tmp/calls" ] || { echo "layers: no calls found in $obj" >&2; exit 1; }
while read -r from to sym; do
	if [ "$(rank "${to%%/*}")" -gt "$(rank "${from%%/*}")" ]; then
		echo "layers: $from calls $sym of $to, a layer above" >&2
		bad=1
	fi
done <"$tmp/calls"

# loops: a file that reaches itself through calls
awk '{print $1, $2}' "$tmp/calls" | sort -u | tsort >/dev/null 2>"$tmp/loop" ||
	true
if [ -s "$tmp/loop" ]; then
	echo "layers: files that call each other:" >&2
	sed 's/^tsort: /  /' "$tmp/loop" >&2
	bad=1
fi
[ $bad = 0 ] && echo "layers: $(wc -l <"$tmp/calls") calls between files, all down the layers, no loops"
exit $bad
