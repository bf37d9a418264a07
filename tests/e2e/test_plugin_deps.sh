#!/bin/sh
# Plugins link only libc and libm (the README's promise; threads come from
# host->parallel_for, not from a thread library of their own): every
# DT_NEEDED entry of every built plugin is one of those two (or the
# sanitizer runtimes in the memory-safety build).
. "$(dirname "$0")/lib.sh"
command -v readelf >/dev/null || { echo "SKIP: no readelf"; exit 0; }
n=0
for so in "$PLUGINS"/lms_*.so; do
    [ -e "$so" ] || fail "no plugins in $PLUGINS"
    n=$((n + 1))
    for lib in $(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        case $lib in
        libc.so.*|libm.so.*) ;;
        libasan.so.*|libubsan.so.*|libstdc++.so.*|libgcc_s.so.*)
            [ "$LMS_TEST_SANITIZED" = 1 ] || fail "$so links $lib" ;;
        *) fail "$(basename "$so") links $lib (plugins link only libc and libm)" ;;
        esac
    done
done
[ "$n" -ge 10 ] || fail "only $n plugins in $PLUGINS"
echo "ok: $n plugins link only libc and libm"
