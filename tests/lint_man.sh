#!/bin/sh
# lint_man.sh: lints the mdoc man pages with mandoc -Tlint when it is
# installed, else with groff's warnings; fails on any complaint.
set -u
status=0
for f in "$@"; do
	if command -v mandoc >/dev/null 2>&1; then
		out=$(mandoc -Tlint -W warning "$f" 2>&1)
	else
		out=$(groff -mdoc -ww -z "$f" 2>&1)
	fi
	if [ -n "$out" ]; then echo "$out"; status=1; fi
	# a merge's conflict markers are valid roff text: mandoc keeps quiet
	if grep -n '^<<<<<<< \|^=======$\|^>>>>>>> ' "$f"; then
		echo "$f: a merge conflict marker"; status=1
	fi
done
[ $status = 0 ] && echo "lint: $# man pages clean"
exit $status
