#!/bin/sh
# valgrind_wrap.sh BIN WRAPPER: writes WRAPPER, a script that runs BIN under
# valgrind memcheck; any memory error or leak makes it exit 99, and the
# report lands on stderr, where the golden tests see it. valgrind.supp
# (beside this script) leaves out fontconfig's font caches (PNG, PDF).
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
supp=$(cd "$(dirname "$0")" && pwd)/valgrind.supp	# fontconfig's caches
mkdir -p "$(dirname "$2")"
cat >"$2" <<EOS
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite,indirect --suppressions="$supp" \\
    "$bin" "\$@"
EOS
chmod +x "$2"
