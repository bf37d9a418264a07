#!/bin/sh
# Run long sweeps in the background, beside other work, across sessions:
#   scripts/background_sweep.sh start NAME...   restore NAME's published runs
#       if runs/NAME is absent (scripts/restore_runs.sh), and those of the
#       sweeps its [sweep] reuse names (runs/OTHER), then run
#       `lmstab sweep configs/sweeps/NAME.ini` detached (nohup, its own
#       session), logging to runs/NAME.log, at nice 19 with its scheduling
#       group at nice 19 too (with Linux autogroups, a process in its own
#       session otherwise takes a whole group's share of the CPU whatever
#       its nice: docs/cli.md). The environment passes through
#       (OPENBLAS_CORETYPE, say), and so do the arguments after `--`
#       (`-- --plugin-dir DIR`, `-- --set training.gemm=openblas`).
#   scripts/background_sweep.sh stop [NAME...]   SIGINT to those sweeps (all
#       when none is named): their runs in progress checkpoint, and `start`
#       continues them; waits until they have stopped.
#   scripts/background_sweep.sh status          the sweeps running, and
#       each log's last line.
# (LMSTAB: the lmstab binary instead of build/lmstab; SWEEPS: the folder of
# the sweep files instead of configs/sweeps; RUNS: runs/; LMSTAB_RESULTS:
# docs/results, where published sweeps are restored from.)
set -eu
cd "$(dirname "$0")/.."
lmstab="${LMSTAB:-./build/lmstab}"
sweeps="${SWEEPS:-configs/sweeps}"
runs="${RUNS:-runs}"
results="${LMSTAB_RESULTS:-docs/results}"
cmd="${1:-status}"
[ $# -gt 0 ] && shift
reuse_dirs() { # [sweep] reuse of sweep file $1, one a word (no ./ prefix)
    awk -F= '/^[[:space:]]*\[/ { s = $0; gsub(/[][[:space:]]/, "", s); next }
        s == "sweep" && $1 ~ /^[[:space:]]*reuse[[:space:]]*$/ {
            v = substr($0, index($0, "=") + 1); sub(/[[:space:]][;#].*/, "", v)
            gsub(/,/, " ", v); gsub(/(^|[[:space:]])\.\//, " ", v); print v }' "$1"
}
pids() { # the sweeps of name $1 (all with no name)
    pgrep -f "lmstab sweep $sweeps/${1:-[A-Za-z0-9_]*}\\.ini" || true
}
case "$cmd" in
start)
    names=""
    while [ $# -gt 0 ] && [ "$1" != -- ]; do names="$names $1"; shift; done
    [ $# -eq 0 ] || shift # what is left goes to lmstab sweep
    [ -n "$names" ] || { echo "background_sweep: start NAME... [-- ARGS]" >&2; exit 2; }
    mkdir -p "$runs"
    for n in $names; do
        [ -f "$sweeps/$n.ini" ] || { echo "background_sweep: $sweeps/$n.ini not found" >&2; exit 1; }
        [ -z "$(pids "$n")" ] || { echo "background_sweep: $n is already running" >&2; continue; }
        if [ ! -d "$runs/$n" ] && [ -f "$results/$n/runs.tar.xz" ]; then
            LMSTAB_RUNS="$runs" LMSTAB_RESULTS="$results" scripts/restore_runs.sh "$n"
        fi
        # the sweeps it copies identical runs from ([sweep] reuse), when
        # published and absent: else it would train them all again
        for r in $(reuse_dirs "$sweeps/$n.ini"); do
            r=${r%/}
            if [ "${r%/*}" = "${runs#./}" ] && [ ! -d "$r" ] && [ -f "$results/${r##*/}/runs.tar.xz" ]; then
                LMSTAB_RUNS="$runs" LMSTAB_RESULTS="$results" scripts/restore_runs.sh "${r##*/}"
            fi
        done
        nohup nice -n 19 setsid "$lmstab" sweep "$sweeps/$n.ini" "$@" >> "$runs/$n.log" 2>&1 < /dev/null &
        # lmstab's own pid: the job's, once it has exec'd lmstab (setsid
        # forks instead when started as a group leader: then by its name)
        pid="" i=0
        job=$!
        sleep 0.05
        if tr '\0' ' ' < "/proc/$job/cmdline" 2>/dev/null | grep -q "lmstab sweep"; then pid=$job; fi
        while [ -z "$pid" ] && [ $i -lt 200 ]; do pid=$(pids "$n" | head -n 1); [ -n "$pid" ] || sleep 0.05; i=$((i + 1)); done
        if [ -z "$pid" ]; then # already over: nothing to run, or an error
            echo "$n: ended at once; its log ($runs/$n.log) ends:"; tail -n 2 "$runs/$n.log"; continue
        fi
        # the session's scheduling group, where the kernel has autogroups
        [ ! -w "/proc/$pid/autogroup" ] || echo 19 > "/proc/$pid/autogroup" 2>/dev/null || true
        # A background job starts with SIGINT ignored until lmstab catches
        # it (its first act): wait for that, so that a stop right after
        # this start is not lost (SigCgt's bit 1 is SIGINT, 2).
        i=0
        while [ $i -lt 200 ] && kill -0 "$pid" 2>/dev/null; do
            cgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null || true)
            case "${cgt#"${cgt%?}"}" in [2367abefABEF]) break ;; esac
            sleep 0.05; i=$((i + 1))
        done
        echo "$n: started (pid $pid), log $runs/$n.log"
    done
    ;;
stop)
    list=""
    if [ $# -eq 0 ]; then list=$(pids); else for n in "$@"; do list="$list $(pids "$n")"; done; fi
    for p in $list; do kill -INT "$p" 2>/dev/null || true; done
    for p in $list; do while kill -0 "$p" 2>/dev/null; do sleep 1; done; done
    echo "stopped:$(echo " $list" | wc -w) sweeps"
    ;;
status)
    for p in $(pids); do
        n=$(tr '\0' ' ' < "/proc/$p/cmdline" | sed -n "s|.* $sweeps/\([A-Za-z0-9_]*\)\.ini.*|\1|p")
        echo "$n (pid $p): $(tail -n 1 "$runs/$n.log" 2>/dev/null)"
    done
    ;;
*) echo "background_sweep: start NAME... [-- ARGS] | stop [NAME...] | status" >&2; exit 2 ;;
esac
