#!/bin/sh
# jobs_identical.sh METAK: --each and the leave-one-out and cumulative
# refits give byte-identical standard output, standard error and exit
# status whatever --jobs is. The data, made here, spans many batches and
# has analyses that warn, fail, or break the file part way through.
set -eu
metak=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# 700 analyses of 1 to 12 studies: every 50th has a row with no numbers
# (a warning), every 97th only such rows (not fitted), every 13th a
# zero cell; "set" alternates for --where
awk 'BEGIN {
	srand(7); print "rep,set,events_t,n_t,events_c,n_c";
	for (a = 1; a <= 700; a++) {
		k = 1 + a % 12;
		for (i = 1; i <= k; i++) {
			if (a % 97 == 0 || (a % 50 == 0 && i == 1)) {
				printf "r%04d,%s,,,,\n", a, a % 2 ? "x" : "y"; continue
			}
			n = 20 + int(rand() * 80);
			e = a % 13 == 0 && i == 1 ? 0 : int(rand() * n / 2);
			printf "r%04d,%s,%d,%d,%d,%d\n", a, a % 2 ? "x" : "y", e, n,
			    int(rand() * n / 2), n
		}
	} }' >"$tmp/many.csv"
# the same with an analysis that comes back after 400 others
{ cat "$tmp/many.csv"; echo "r0003,x,1,10,2,10"; } >"$tmp/bad.csv"
awk -F, 'NR == 1 || $1 <= "r0400"' "$tmp/many.csv" >"$tmp/late.csv"
# (600 rows after them: what is still buffered, under 64 kB, is dropped,
# so enough must come after the 400 for them to be out)
{ cat "$tmp/late.csv"; awk -F, 'NR > 1 && $1 > "r0400"' "$tmp/many.csv" |
    head -n 600; echo "r0001,x,1,10,2,10"; } >"$tmp/bad2.csv"
pass=0 fail=0
jobs="1 2 3 8"
[ -z "${METAK_VALGRIND:-}" ] || jobs="1 3"	# slow there: fewer
check() {
	name=$1; shift
	i=0
	for j in $jobs; do
		set +e
		"$metak" "$@" --jobs $j >"$tmp/out$j" 2>"$tmp/err$j"
		echo $? >"$tmp/rc$j"
		set -e
		if [ $j != 1 ] && ! { cmp -s "$tmp/out1" "$tmp/out$j" &&
		    cmp -s "$tmp/err1" "$tmp/err$j" &&
		    cmp -s "$tmp/rc1" "$tmp/rc$j"; }; then
			echo "FAIL $name: --jobs $j differs from --jobs 1"
			diff "$tmp/out1" "$tmp/out$j" | head -5
			diff "$tmp/err1" "$tmp/err$j" | head -5
			i=1
		fi
	done
	[ -s "$tmp/out1" ] || [ -s "$tmp/err1" ] || { echo "FAIL $name: no output"; i=1; }
	if [ $i = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}
check each-csv pool "$tmp/many.csv" --each rep
check each-json pool "$tmp/many.csv" --each rep --format json --method DL
check each-shard pool "$tmp/many.csv" --each rep --shard 1/3 --method PM
check each-where pool "$tmp/many.csv" --each rep --where set=y --method MH
check each-bad pool "$tmp/bad.csv" --each rep
check each-bad-late pool "$tmp/bad2.csv" --each rep --format json
grep -q 'r0001.*appeared earlier' "$tmp/err1" &&
    [ "$(wc -l <"$tmp/out1")" -gt 400 ] ||
    { echo "FAIL each-bad-late: not the expected error"; fail=$((fail + 1)); }
check each-file pool "$tmp/many.csv" --each rep --output "$tmp/o.csv"
check loo pool "$tmp/many.csv" --leave-one-out --method REML
check loo-json pool "$tmp/many.csv" --leave-one-out --format json --method PM
check cumulative pool "$tmp/many.csv" --cumulative --order rep --method DL
echo "jobs: $pass passed, $fail failed"
[ $fail = 0 ]
