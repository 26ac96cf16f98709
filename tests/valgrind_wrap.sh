#!/bin/sh
# valgrind_wrap.sh BIN WRAPPER: writes WRAPPER, a script that runs BIN under
# valgrind memcheck; any memory error or leak makes it exit 99, and the
# report lands on stderr, where the golden tests see it.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mkdir -p "$(dirname "$2")"
cat >"$2" <<EOS
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite,indirect "$bin" "\$@"
EOS
chmod +x "$2"
