#!/bin/sh
# How many threads a run gets: --threads N, else [training] threads, else
# $LMSTAB_THREADS, else every CPU of the process's affinity mask (taskset,
# a batch scheduler), not the machine's count; shown in the start event
# and summary.json. (That the count never changes a number: e2e_threads.)
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
run() { # expected threads, extra train options, then the command prefix
    want=$1; extra=$2; shift 2
    # shellcheck disable=SC2086
    "$@" "$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" $TINY \
        --set training.max_steps=2 $extra --quiet --overwrite --out "$TMP/r" >/dev/null 2>&1 \
        || fail "train failed: $* $extra"
    got=$(sed -n 's/.*"threads":[[:space:]]*\([0-9]*\).*/\1/p' "$TMP/r/summary.json")
    [ "$got" = "$want" ] || fail "expected $want threads, got '$got': $*"
}
ncpu=$(nproc)
run "$ncpu" "" env -u LMSTAB_THREADS
if command -v taskset >/dev/null && [ "$ncpu" -ge 2 ]; then
    run 1 "" env -u LMSTAB_THREADS taskset -c 0
fi
run 1 "" env LMSTAB_THREADS=1
run 3 "--set training.threads=3" env LMSTAB_THREADS=1
run 2 "--set training.threads=3 --threads 2" env LMSTAB_THREADS=1
echo ok
