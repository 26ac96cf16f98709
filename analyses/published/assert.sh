#!/bin/sh
# assert.sh METAK OUT DATADIR FILE STATUS ARGS...: runs metak check on
# DATADIR/FILE, writes its report to OUT, and fails unless it exits STATUS
# (0 reproduced, 3 not); the report's methods line goes last, for summary.
set -u
metak=$1 out=$2 dir=$3 file=$4 want=$5
shift 5
mkdir -p "$(dirname "$out")"
"$metak" check "$dir/$file" "$@" >"$out.tmp"
got=$?
if [ "$got" != "$want" ]; then
	cat "$out.tmp" >&2
	rm -f "$out.tmp"
	echo "FAIL $out: metak check exited $got, expected $want" >&2
	exit 1
fi
"$metak" check "$dir/$file" "$@" --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
m = sorted({x["method"] + ("+mhq" if x.get("dl_q") == "mh" else "") + ("+hksj" if x["ci"] == "hksj" else "") for x in d["matches"]})
print("reproduced by: " + (" ".join(m) if m else "nothing (as expected)"))' >>"$out.tmp"
mv "$out.tmp" "$out"
