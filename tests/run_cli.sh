#!/bin/sh
# run_cli.sh: golden command-line tests. Each folder in tests/cli/ holds
#   cmd     one shell command line, run in that folder with metak on PATH
#   stdout  stderr  status   what it must print and return
# Usage: run_cli.sh PATH/TO/metak [CASE...]; UPDATE=1 rewrites the goldens
# (review the diff before committing them). NO_STDOUT=1 compares only
# stderr and status: make valgrind sets it, because valgrind computes
# long double in double precision and so moves the 15th digit.
set -u
bin=$(cd "$(dirname "$1")" && pwd); shift
root=$(cd "$(dirname "$0")/cli" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; failn=0
cases=${*:-$(ls "$root")}
for c in $cases; do
	d="$root/$c"
	[ -f "$d/cmd" ] || continue
	( cd "$d" && PATH="$bin:$PATH" sh -c "$(cat cmd)" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/status" )
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$tmp/out" "$d/stdout"; cp "$tmp/err" "$d/stderr"; cp "$tmp/status" "$d/status"
	fi
	ok=1
	files="stdout stderr status"
	[ "${NO_STDOUT:-}" = 1 ] && files="stderr status"
	for f in $files; do
		want="$d/$f"; got="$tmp/$( [ $f = stdout ] && echo out || ([ $f = stderr ] && echo err || echo status))"
		if ! cmp -s "$want" "$got"; then
			[ $ok = 1 ] && echo "FAIL cli/$c" >&2
			ok=0
			diff -u "$want" "$got" | head -20 >&2
		fi
	done
	if [ $ok = 1 ]; then pass=$((pass+1)); else failn=$((failn+1)); fi
done
echo "cli: $pass passed, $failn failed"
[ $failn = 0 ]
