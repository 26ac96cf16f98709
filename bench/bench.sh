#!/bin/sh
# bench.sh: times metak against a single awk pass over the same file and,
# when installed, R metafor and Python statsmodels. Not part of make check.
# Usage: bench.sh PATH/TO/metak
set -eu
metak=$1
out=bench/out
mkdir -p "$out"
[ -f "$out/k1e6.csv" ] || python3 bench/gen.py generic 1000000 >"$out/k1e6.csv"

# wall seconds and peak resident MiB of a command, via GNU time when present
measure() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%e %M" -o "$out/t" "$@" >/dev/null 2>&1
		awk '{printf "%.3f s  %.0f MiB", $1, $2/1024}' "$out/t"
	else
		s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
		awk -v s="$s" -v e="$e" 'BEGIN{printf "%.3f s", e-s}'
	fi
}
secs() { cut -d' ' -f1 "$out/t" 2>/dev/null || echo 0; }

echo "== one REML fit, k = 1,000,000 generic studies ($(wc -c <"$out/k1e6.csv") bytes)"
printf '  awk, one pass (sum of yi)     '; measure awk -F, 'NR>1{s+=$2} END{print s}' "$out/k1e6.csv"; echo
a=$(secs)
printf '  metak pool --no-studies       '; measure "$metak" pool "$out/k1e6.csv" --no-studies --format json; echo
m=$(secs)
awk -v a="$a" -v m="$m" 'BEGIN{ if (a > 0) printf "  metak / awk = %.2f\n", m/a }'
printf '  metak pool (all study rows)   '; measure "$metak" pool "$out/k1e6.csv" --format json; echo
