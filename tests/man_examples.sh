#!/bin/sh
# man_examples.sh: runs every example command of metak.1 as a user pastes
# it: the EXAMPLES section rendered (man -l, and mandoc or groff), each
# line that starts with "metak" together with the lines its trailing
# backslashes continue, from the top folder; each must exit 0. The
# renderers must agree on the text, and a command must be plain ASCII (a
# typographic quote or hyphen would not paste into a shell).
set -u
bin=$(cd "$(dirname "$1")" && pwd)
page=man/metak.1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# the EXAMPLES section as rendered, one command per NUL-terminated record
commands() {
	col -bx | awk '
		/^EXAMPLES/ { on = 1; next }
		on && /^[A-Z]/ { exit }
		!on { next }
		{ sub(/^[ \t]+/, ""); sub(/[ \t]+$/, "") }
		cont { cmd = cmd "\n" $0; cont = /\\$/; if (!cont) { printf "%s%c", cmd, 0 }; next }
		/^metak / { cmd = $0; cont = /\\$/; if (!cont) printf "%s%c", cmd, 0 }'
}

n=0
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 MAN_KEEP_FORMATTING= man -l "$page" 2>/dev/null | commands >"$tmp/man"
	n=$((n+1))
fi
if command -v mandoc >/dev/null 2>&1; then
	mandoc -T utf8 "$page" | commands >"$tmp/mandoc"
	n=$((n+1))
elif command -v groff >/dev/null 2>&1; then
	groff -mdoc -T utf8 -P -c "$page" 2>/dev/null | commands >"$tmp/groff"
	n=$((n+1))
fi
[ $n -gt 0 ] || { echo "man examples: no renderer (man, mandoc, groff)" >&2; exit 1; }
first=$(ls "$tmp" | head -1)
for f in "$tmp"/*; do
	if ! cmp -s "$tmp/$first" "$f"; then
		echo "FAIL man examples: $first and $(basename "$f") render them differently" >&2
		diff "$tmp/$first" "$f" | tr '\0' '\n' | head -20 >&2
		exit 1
	fi
done

PATH="$bin:$PATH" python3 - "$tmp/$first" "$(ls "$tmp" | tr '\n' ' ')" <<'EOF'
import subprocess, sys
cmds = open(sys.argv[1], 'rb').read().split(b'\0')[:-1]
bad = 0
for c in cmds:
	try:
		c.decode('ascii')
	except UnicodeDecodeError:
		sys.stderr.write("FAIL man example (not plain ASCII): %r\n" % c)
		bad += 1
		continue
	if subprocess.run(['sh', '-c', c], stdout=subprocess.DEVNULL,
	    stderr=subprocess.DEVNULL).returncode != 0:
		sys.stderr.write("FAIL man example: %s\n" % c.decode())
		bad += 1
print("man examples: %d passed, %d failed (as rendered by %s)" %
    (len(cmds) - bad, bad, sys.argv[2].strip()))
sys.exit(0 if cmds and bad == 0 else 1)
EOF
