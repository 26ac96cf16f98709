#!/bin/sh
# man_examples.sh: runs every example command of metak.1 (its .Dl lines
# that start with "metak") from the top folder; each must exit 0.
set -u
bin=$(cd "$(dirname "$1")" && pwd)
n=0; bad=0
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' man/metak.1 | sed -n 's/^\.Dl metak /metak /p' >"$tmp"
while IFS= read -r line; do
	n=$((n+1))
	if ! PATH="$bin:$PATH" sh -c "$line" >/dev/null 2>&1; then
		echo "FAIL man example: $line" >&2; bad=$((bad+1))
	fi
done <"$tmp"
echo "man examples: $((n-bad)) passed, $bad failed"
[ $n -gt 0 ] && [ $bad = 0 ]
