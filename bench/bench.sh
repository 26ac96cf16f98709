#!/bin/sh
# bench.sh METAK: wall time and peak memory of metak next to one awk pass
# and, when installed, R metafor (r-cran-metafor) and Python statsmodels
# (python3-statsmodels, run with Debian's /usr/bin/python3), on data
# generated with a fixed seed (bench/gen.py). Not part of make check.
# Where a peer would take minutes it runs on a subsample, and the ratio is
# per analysis (or per refit), as printed.
set -eu
metak=$1
out=bench/out
mkdir -p "$out"
gen() { [ -f "$out/$1" ] || python3 bench/gen.py $2 >"$out/$1"; }
gen k1e6.csv "generic 1000000"
gen k2e3.csv "generic 2000"
gen k1e4.csv "generic 10000"
gen k300.csv "generic 300"
gen each1e5.csv "each 100000 10"
gen each1e5k5.csv "each 100000 5"
gen mods1e5.csv "mods 100000"
gen mods2e3.csv "mods 2000"
gen ml1e4.csv "ml 10000 1000"
gen ml1e5.csv "ml 100000 10000"
gen glmm1e3.csv "counts 1000"
gen glmmeach1e4.csv "eachcounts 10000 5"
[ -f "$out/glmm100.csv" ] || head -n 101 "$out/glmm1e3.csv" >"$out/glmm100.csv"
[ -f "$out/glmm20.csv" ] || head -n 21 "$out/glmm1e3.csv" >"$out/glmm20.csv"
gen k8e4.csv "generic 80000"
gen rob1e4.csv "ml 10000 5"
gen rob1e4c100.csv "ml 10000 100"
gen rob1e5c10.csv "ml 100000 10"
[ -f "$out/ml2e3.csv" ] || head -n 2001 "$out/ml1e4.csv" >"$out/ml2e3.csv"
[ -f "$out/each1e4.csv" ] || head -n 100001 "$out/each1e5.csv" >"$out/each1e4.csv"
[ -f "$out/each1e3.csv" ] || head -n 10001 "$out/each1e5.csv" >"$out/each1e3.csv"
have_r=0; have_sm=0
Rscript -e 'suppressMessages(library(metafor))' >/dev/null 2>&1 && have_r=1
/usr/bin/python3 -c 'import statsmodels, pandas' >/dev/null 2>&1 && have_sm=1

# run NAME CMD...: prints a line with seconds and MiB; remembers seconds
run() {
	name=$1; shift
	python3 bench/timeit.py "$out/t" "$@" 2>"$out/err" || {
		echo "  $name: failed ($(tail -1 "$out/err"))"; last=0; return; }
	last=$(tail -1 "$out/t" | cut -d' ' -f1)
	awk -v n="$name" '{printf "  %-44s %8.4f s %7.0f MiB\n", n, $1, $2/1024}' "$out/t"
}
ratio() { awk -v a="$1" -v b="$2" -v s="${3:-1}" -v t="$4" \
	'BEGIN{ if (a > 0 && b > 0) printf "  => %s: %.1fx\n", t, (b*s)/a }'; }

echo "== machine: $(nproc) cores, $(awk '/model name/{$1=$2=$3="";print;exit}' /proc/cpuinfo)"
echo "== 1. one fit of k = 1,000,000 studies ($(wc -c <"$out/k1e6.csv") bytes)"
run "awk, one pass (sum of yi)" awk -F, 'NR>1{s+=$2} END{print s}' "$out/k1e6.csv"; awk1=$last
run "metak pool --method REML --no-studies" "$metak" pool "$out/k1e6.csv" --no-studies --format json; m1e6=$last
ratio "$awk1" "$m1e6" 1 "metak REML time / awk time (target <= 1)" | sed 's/x$//'
run "metak pool --method PM --no-studies" "$metak" pool "$out/k1e6.csv" --method PM --no-studies --format json; mpm=$last
run "metak pool --method DL --no-studies" "$metak" pool "$out/k1e6.csv" --method DL --no-studies --format json; mdl=$last
if [ $have_sm = 1 ]; then
	run "pandas + statsmodels, Paule-Mandel" /usr/bin/python3 bench/sm_pool.py "$out/k1e6.csv" iterated; s=$last
	ratio "$mpm" "$s" 1 "metak PM faster than statsmodels PM by (target >= 5)"
	run "pandas + statsmodels, DerSimonian-Laird" /usr/bin/python3 bench/sm_pool.py "$out/k1e6.csv" chi2; s=$last
	ratio "$mdl" "$s" 1 "metak DL faster than statsmodels DL by"
fi
if [ $have_r = 1 ]; then
	echo "  (metafor at k = 2,000: its cost grows like k^3)"
	run "R metafor rma(method = REML), k = 2,000" Rscript bench/metafor_fit.R "$out/k2e3.csv" REML; r=$last
	run "metak pool --method REML, k = 2,000" "$metak" pool "$out/k2e3.csv" --format json; m=$last
	ratio "$m" "$r" 1 "metak faster than metafor at k = 2,000 by"
fi

echo "== 2. 100,000 analyses of 10 studies each (--each; $(nproc) cores)"
run "metak --each, REML (CSV), --jobs 1" "$metak" pool "$out/each1e5.csv" --each analysis --jobs 1 --output "$out/each.out"; m1=$last
run "metak --each, REML (CSV), every core" "$metak" pool "$out/each1e5.csv" --each analysis --output "$out/each.out"; mr=$last
ratio "$mr" "$m1" 1 "every core faster than --jobs 1 by (target >= 1.6 on 2 cores)"
run "metak --each, DL (CSV), every core" "$metak" pool "$out/each1e5.csv" --each analysis --method DL --output "$out/each.out"; md=$last
if [ $have_sm = 1 ]; then
	run "statsmodels loop, DL, 10,000 analyses" /usr/bin/python3 bench/sm_each.py "$out/each1e4.csv" chi2; s=$last
	ratio "$md" "$s" 10 "metak DL faster per analysis than the statsmodels loop by (target >= 50)"
fi
if [ $have_r = 1 ]; then
	run "metafor loop, REML, 1,000 analyses" Rscript bench/metafor_each.R "$out/each1e3.csv" REML; r=$last
	ratio "$mr" "$r" 100 "metak REML faster per analysis than the metafor loop by"
fi

echo "== 3. leave-one-out and cumulative"
run "metak --leave-one-out, REML, k = 10,000" "$metak" pool "$out/k1e4.csv" --leave-one-out --format csv; ml=$last
ratio "$m1e6" "$ml" 1 "leave-one-out k = 10^4 time / one REML pool of k = 10^6 (target <= 3)" | sed 's/x$//'
run "metak --leave-one-out, REML, k = 10,000, --jobs 1" "$metak" pool "$out/k1e4.csv" --leave-one-out --format csv --jobs 1
run "metak --leave-one-out, PM, k = 10,000" "$metak" pool "$out/k1e4.csv" --leave-one-out --method PM --format csv
run "metak --cumulative, REML, k = 10,000" "$metak" pool "$out/k1e4.csv" --cumulative --format csv
if [ $have_r = 1 ]; then
	run "metak --leave-one-out, REML, k = 300" "$metak" pool "$out/k300.csv" --leave-one-out --format csv; m=$last
	run "R metafor leave1out(), REML, k = 300" Rscript bench/metafor_fit.R "$out/k300.csv" REML loo; r=$last
	ratio "$m" "$r" 1 "metak faster than metafor leave1out at k = 300 by"
fi

echo "== 4. meta-regression, two moderators"
run "metak pool, REML, no moderators, k = 100,000" "$metak" pool "$out/mods1e5.csv" --no-studies --format json; m0=$last
run "metak pool --mods x1,x2, REML, k = 100,000" "$metak" pool "$out/mods1e5.csv" --mods x1,x2 --no-studies --format json; m2=$last
ratio "$m0" "$m2" 1 "meta-regression time / intercept-only time (target <= 3)" | sed 's/x$//'
if [ $have_r = 1 ]; then
	run "R metafor rma(mods = ~ x1 + x2), k = 2,000" Rscript bench/metafor_fit.R "$out/mods2e3.csv" REML mods; r=$last
	run "metak pool --mods x1,x2, k = 2,000" "$metak" pool "$out/mods2e3.csv" --mods x1,x2 --format json; m=$last
	ratio "$m" "$r" 1 "metak faster than metafor at k = 2,000 with two moderators by"
fi

echo "== 5. three-level model (REML, profile-likelihood CIs): 10 effect sizes a cluster"
run "metak pool, REML, one level, k = 10,000" "$metak" pool "$out/ml1e4.csv" --no-studies --format json; m0=$last
run "metak pool --random cluster/es, k = 10,000" "$metak" pool "$out/ml1e4.csv" --random cluster/es --no-studies --format json; m3=$last
ratio "$m0" "$m3" 1 "three-level time / one-level time (target <= 10)" | sed 's/x$//'
run "metak pool --random cluster/es, k = 100,000" "$metak" pool "$out/ml1e5.csv" --random cluster/es --no-studies --format json
if [ $have_r = 1 ]; then
	run "R metafor rma.mv(random = ~ 1 | cluster/es), k = 2,000" Rscript bench/metafor_fit.R "$out/ml2e3.csv" REML mv; r=$last
	run "metak pool --random cluster/es, k = 2,000" "$metak" pool "$out/ml2e3.csv" --random cluster/es --format json; m=$last
	ratio "$m" "$r" 1 "metak (with profile CIs) faster than metafor rma.mv (without) at k = 2,000 by"
fi

echo "== 6. GLMMs (--glmm): 1,000 trials of 50 to 2,000 a arm, rare events"
echo "  (metafor on a subsample: 100 trials for UM.FS (lme4, minutes), 20 for"
echo "  CM.EL (integrate() over BiasedUrn's pmf, half a minute))"
for mn in UM.FS:100 CM.EL:20; do
	m=${mn%:*}; n=${mn#*:}
	run "metak pool --glmm $m, k = 1,000" "$metak" pool "$out/glmm1e3.csv" --glmm $m --no-studies --format json; m3=$last
	run "metak pool --glmm $m, k = $n" "$metak" pool "$out/glmm$n.csv" --glmm $m --format json; m2=$last
	if [ $have_r = 1 ]; then
		run "R metafor rma.glmm(model = \"$m\"), k = $n" Rscript bench/metafor_glmm.R "$out/glmm$n.csv" $m; r=$last
		ratio "$m2" "$r" 1 "metak faster than metafor at k = $n by"
		ratio "$m3" "$r" $((1000 / n)) "metak per trial (k = 1,000) faster than metafor per trial (k = $n) by"
	fi
done
run "metak pool --glmm UM.RS, k = 1,000" "$metak" pool "$out/glmm1e3.csv" --glmm UM.RS --no-studies --format json
run "metak pool --glmm CM.AL, k = 1,000" "$metak" pool "$out/glmm1e3.csv" --glmm CM.AL --no-studies --format json
echo "== 7. --each --glmm: 10,000 analyses of 5 trials ($(nproc) cores)"
for m in UM.FS CM.EL; do
	run "metak --each --glmm $m, --jobs 1" "$metak" pool "$out/glmmeach1e4.csv" --each analysis --glmm $m --jobs 1 --output "$out/each.out"; g1=$last
	run "metak --each --glmm $m, every core" "$metak" pool "$out/glmmeach1e4.csv" --each analysis --glmm $m --output "$out/each.out"; gr=$last
	ratio "$gr" "$g1" 1 "every core faster than --jobs 1 by"
done
echo "== 8. Bayesian pooling (--method BAYES, prior halfnormal:0.5 on tau)"
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Imetak bench/bayes_fit.c \
    "$(dirname "$metak")/libmetak.a" -lcsv -lgsl -lgslcblas -lm -lpthread \
    -o "$out/bayes_fit"
for k in 5 10 30; do	# the fit alone, in the library (best of 3 x 2,000)
	"$out/bayes_fit" "$out/k300.csv" $k halfnormal:0.5 2000 | sed 's/^/  /'
done
echo "  (target: one fit of k = 10 in under 1 ms)"
run "metak --each, REML (CSV), 10^5 x 5 studies" "$metak" pool "$out/each1e5k5.csv" --each analysis --output "$out/each.out"; mr=$last
run "metak --each, BAYES (CSV), 10^5 x 5 studies" "$metak" pool "$out/each1e5k5.csv" --each analysis --method BAYES --prior-tau halfnormal:0.5 --output "$out/each.out"; mb=$last
ratio "$mr" "$mb" 1 "BAYES --each time / REML --each time (target <= 20)" | sed 's/x$//'
echo "== 9. time and memory of refits and robust inference (issue 23)"
run "metak --cumulative, PM, k = 80,000" "$metak" pool "$out/k8e4.csv" --cumulative --method PM --format csv
run "metak --robust cluster --robust-type cr1, 10^4 rows in 5 clusters" "$metak" pool "$out/rob1e4.csv" --robust cluster --robust-type cr1 --format json
run "metak --robust cluster (CR2), 10^4 rows in 5 clusters" "$metak" pool "$out/rob1e4.csv" --robust cluster --format json
run "metak --robust cluster (CR2), 10^5 rows in 10 clusters" "$metak" pool "$out/rob1e5c10.csv" --robust cluster --format json
run "metak --robust cluster (CR2), 10^4 rows in 100 clusters" "$metak" pool "$out/rob1e4c100.csv" --robust cluster --format json
run "metak --robust cluster --robust-type cr1, 10^4 rows in 100 clusters" "$metak" pool "$out/rob1e4c100.csv" --robust cluster --robust-type cr1 --format json
run "metak --random cluster/es, 10^4 rows in 100 groups" "$metak" pool "$out/rob1e4c100.csv" --random cluster/es --format json
run "metak --mods x1,x2 --permutations 3000, k = 2,000" "$metak" pool "$out/mods2e3.csv" --mods x1,x2 --permutations 3000 --format json
