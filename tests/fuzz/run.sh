#!/bin/sh
# run.sh FUZZER SECONDS: replays tests/fuzz/regress (every crash found so
# far, kept once fixed), then fuzzes for SECONDS from a seed corpus made of
# every CSV the tests and data hold. New inputs go to build/fuzz/corpus,
# crashes to build/fuzz/crash-*; exit 1 if anything crashed.
set -u
fuzzer=$1; secs=$2
corpus=build/fuzz/corpus; log=build/fuzz/last.log
mkdir -p "$corpus"
find tests data -name '*.csv' -size -64k -exec cp {} "$corpus/" \; 2>/dev/null
if ! "$fuzzer" -runs=0 tests/fuzz/regress/* >"$log" 2>&1; then
	tail -30 "$log"; echo "fuzz: a regression input crashes"; exit 1
fi
"$fuzzer" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=build/fuzz/ -print_final_stats=1 "$corpus" >"$log" 2>&1
rc=$?
grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$log"
if [ $rc != 0 ]; then
	tail -40 "$log"; echo "fuzz: crash found (see build/fuzz/crash-*)"; exit 1
fi
echo "fuzz: ${secs}s without a crash"
