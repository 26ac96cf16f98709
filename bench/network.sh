#!/bin/sh
# network.sh METAK: 'metak network' (REML) on a generated network of 50
# treatments and 2,000 studies with multi-arm trials (bench/gen_network.py),
# against R metafor's rma.mv fit of the same model (bench/metafor_network.R)
# on its first 200 studies; NETWORK_FULL=1 runs metafor on all 2,000 too
# (about 40 minutes and 21 GB on the project's machine). Also metak on 20,000
# studies of 50 and of 200 treatments, for how time and memory grow.
set -eu
metak=$1
out=bench/out
mkdir -p "$out"
gen() { [ -f "$out/$1" ] || python3 bench/gen_network.py $2 >"$out/$1"; }
gen net50x2000.csv "50 2000"
gen net50x20000.csv "50 20000"
gen net200x20000.csv "200 20000"
awk -F, 'NR == 1 || ($1 != last && ++n <= 200) || ($1 == last && n <= 200) { print } { last = $1 }' \
    "$out/net50x2000.csv" >"$out/net50x200.csv"
run() {
	name=$1; shift
	python3 bench/timeit.py "$out/t" "$@" 2>"$out/err" || {
		echo "  $name: failed ($(tail -n 1 "$out/err"))"; last=0; return; }
	last=$(tail -n 1 "$out/t" | cut -d' ' -f1)
	awk -v n="$name" '{printf "  %-44s %8.4f s %7.0f MiB\n", n, $1, $2/1024}' "$out/t"
}
echo "== network meta-analysis, REML (50 treatments)"
run "metak, 2,000 studies" "$metak" network "$out/net50x2000.csv" --format json
run "metak, 200 studies" "$metak" network "$out/net50x200.csv" --format json
m200=$last
run "metak, 20,000 studies" "$metak" network "$out/net50x20000.csv" --format json
run "metak, 20,000 studies, 200 treatments" "$metak" network "$out/net200x20000.csv" --format json
if Rscript -e 'suppressMessages(library(metafor))' >/dev/null 2>&1; then
	r=$(Rscript bench/metafor_network.R "$out/net50x2000.csv" 200)
	echo "  metafor rma.mv, 200 studies: $r"
	awk -v a="$m200" -v b="${r%% s;*}" 'BEGIN { if (a > 0) printf "  => metafor/metak on 200 studies: %.0fx\n", b / a }'
	if [ "${NETWORK_FULL:-0}" = 1 ]; then
		r=$(Rscript bench/metafor_network.R "$out/net50x2000.csv")
		echo "  metafor rma.mv, 2,000 studies: $r"
	fi
fi
