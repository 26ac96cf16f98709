#!/bin/sh
# man_options.sh METAK MANPAGE: every option that 'metak COMMAND --help'
# prints must have an .It entry in the man page's OPTIONS section, and every
# option documented there must be one that some command's --help prints.
set -u
metak=$1; man=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmds=$("$metak" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
[ -n "$cmds" ] || { echo "man options: no commands in metak --help"; exit 1; }
for c in $cmds; do
	"$metak" "$c" --help | sed -n 's/^  --\([a-z0-9-]*\).*/\1/p'
done | sort -u >"$tmp/help"
sed -n '/^\.Sh OPTIONS/,/^\.Sh /p' "$man" | grep '^\.It ' |
	grep -o 'Fl \\-[a-z0-9-]*' | sed 's/Fl \\-//' | sort -u >"$tmp/man"
bad=0
for o in $(comm -23 "$tmp/help" "$tmp/man"); do
	echo "man options: --$o is in --help but not in $man" >&2; bad=1
done
for o in $(comm -13 "$tmp/help" "$tmp/man"); do
	echo "man options: --$o is in $man but in no command's --help" >&2; bad=1
done
[ $bad = 0 ] && echo "man options: $(wc -l <"$tmp/help") options documented"
exit $bad
