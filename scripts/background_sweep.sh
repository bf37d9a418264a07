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
#   scripts/background_sweep.sh queue NAME...   the same for each NAME in
#       turn, one after another, from one detached runner (runs/queue.log
#       says when each starts and ends): for experiments longer than a
#       session. The queue ends at the first sweep that does not finish (a
#       stop, an error), leaving the rest unstarted; `queue` again goes on
#       (a finished sweep's `lmstab sweep` only re-aggregates).
#   scripts/background_sweep.sh stop [NAME...]   SIGINT to those sweeps (all,
#       and the queue, when none is named): their runs in progress
#       checkpoint, and `start` continues them; waits until they have
#       stopped. Each sweep gets one SIGINT, however many stops are asked
#       for (a second within 5 s would make its runs give up their
#       checkpoints). A named sweep that a queue has not started yet is not
#       stopped: stop the queue.
#   scripts/background_sweep.sh status          the sweeps running, each
#       with its count of finished runs and its log's last line; the queue
#       and its log's last line; or "no sweep running", and whether the
#       last queue was killed rather than stopped.
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
# Processes by command line, anchored at argv[0]: not the nohup/nice/setsid
# stages that name the same command, nor a wrapper such as timeout.
pids() { # the sweeps of name $1 (all with no name): not a sweep's child
    # between its fork and its exec of a run, which shares its command line
    all=$(pgrep -f "^[^ ]*lmstab sweep $sweeps/${1:-[A-Za-z0-9_]*}\\.ini( |\$)" || true)
    for p in $all; do
        case " $(echo $all) " in *" $(field "$p" 4) "*) ;; *) echo "$p" ;; esac
    done
}
queue_pids() { # the queue runner of this folder of sweep files (a session
    # leader: not its command substitutions, which share its command line)
    for p in $(pgrep -f "^sh [^ ]*background_sweep\\.sh _queue $sweeps/" || true); do
        [ "$(field "$p" 6)" != "$p" ] || echo "$p"
    done
}
field() { # field $2 of /proc/$1/stat (counted as in proc(5); "" when gone)
    s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo; return 0; }
    echo "${s##*) }" | cut -d' ' -f$(($2 - 2))
}
alive() { # process $1 exists and is not a zombie (which never catches SIGINT)
    st=$(field "$1" 3)
    [ -n "$st" ] && [ "$st" != Z ]
}
catches_int() { # lmstab $1 has installed its SIGINT handler (SigCgt bit 1)
    cgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null || true)
    case "${cgt#"${cgt%?}"}" in [2367abefABEF]) return 0 ;; esac
    return 1
}
catches_term() { # the queue runner $1 has set its trap on SIGTERM (bit 14)
    cgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null || true)
    d=${cgt%???}
    case "${d#"${d%?}"}" in [4567cdefCDEF]) return 0 ;; esac
    return 1
}
# The one SIGINT a sweep gets: recorded in $runs/.sigint.PID (holding the
# process's start time, so that a recycled pid is not taken for it), made
# by a hard link of a complete file, which only one of two stops at once
# can make.
claim_sigint() {
    m="$runs/.sigint.$1" t=$(field "$1" 22)
    if [ -f "$m" ] && [ "$(cat "$m" 2>/dev/null)" != "$t" ]; then rm -f "$m"; fi
    echo "$t" > "$m.$$"
    ok=0
    ln "$m.$$" "$m" 2>/dev/null || ok=1
    rm -f "$m.$$"
    return $ok
}
clear_sigints() { # the records of sweeps that have ended
    for m in "$runs"/.sigint.*; do
        [ -f "$m" ] || continue
        p=${m##*.sigint.}
        case "$p" in *[!0-9]*) continue ;; esac # another stop's file in the making
        if ! alive "$p" || [ "$(cat "$m" 2>/dev/null)" != "$(field "$p" 22)" ]; then rm -f "$m"; fi
    done
}
restore_for() { # sweep $1's published runs, and those of the sweeps it reuses
    if [ ! -d "$runs/$1" ] && [ -f "$results/$1/runs.tar.xz" ]; then
        LMSTAB_RUNS="$runs" LMSTAB_RESULTS="$results" scripts/restore_runs.sh "$1" || return 1
    fi
    # the sweeps it copies identical runs from ([sweep] reuse), when
    # published and absent: else it would train them all again
    for r in $(reuse_dirs "$sweeps/$1.ini"); do
        r=${r%/}
        if [ "${r%/*}" = "${runs#./}" ] && [ ! -d "$r" ] && [ -f "$results/${r##*/}/runs.tar.xz" ]; then
            LMSTAB_RUNS="$runs" LMSTAB_RESULTS="$results" scripts/restore_runs.sh "${r##*/}" || return 1
        fi
    done
}
stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }
await() { # the first pid that "$2..." lists, once it does, while background
    # job $1 lives (nothing when the job ends first: over at once, or failed)
    job=$1
    shift
    while :; do
        found=$("$@" | head -n 1)
        [ -z "$found" ] || { echo "$found"; return 0; }
        alive "$job" || return 0
        sleep 0.05
    done
}
# A process's scheduling group is its session's: each detached process sets
# its own, once in its new session (from outside, a write can land on the
# caller's group before setsid has run).
own_group='[ ! -w /proc/$$/autogroup ] || echo 19 > /proc/$$/autogroup 2>/dev/null || true'
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
        restore_for "$n"
        # (setsid -w: where setsid must fork, it waits, so the job lives
        # as long as the sweep)
        nohup nice -n 19 setsid -w sh -c "$own_group; exec \"\$@\"" sh \
            "$lmstab" sweep "$sweeps/$n.ini" "$@" >> "$runs/$n.log" 2>&1 < /dev/null &
        pid=$(await $! pids "$n")
        if [ -z "$pid" ]; then # already over: nothing to run, or an error
            echo "$n: ended at once; its log ($runs/$n.log) ends:"; tail -n 2 "$runs/$n.log"; continue
        fi
        # A background job starts with SIGINT ignored until lmstab catches
        # it (its first act): wait for that, so that a stop right after
        # this start is not lost (SigCgt's bit 1 is SIGINT, 2).
        i=0
        while [ $i -lt 200 ] && alive "$pid" && ! catches_int "$pid"; do
            sleep 0.05; i=$((i + 1))
        done
        echo "$n: started (pid $pid), log $runs/$n.log"
    done
    ;;
queue)
    names=""
    while [ $# -gt 0 ] && [ "$1" != -- ]; do names="$names $1"; shift; done
    [ $# -eq 0 ] || shift
    [ -n "$names" ] || { echo "background_sweep: queue NAME... [-- ARGS]" >&2; exit 2; }
    for n in $names; do
        [ -f "$sweeps/$n.ini" ] || { echo "background_sweep: $sweeps/$n.ini not found" >&2; exit 1; }
        [ -z "$(pids "$n")" ] || { echo "background_sweep: $n is already running" >&2; exit 1; }
    done
    q=$(queue_pids)
    [ -z "$q" ] || { echo "background_sweep: a queue is already running (pid $(echo $q))" >&2; exit 1; }
    mkdir -p "$runs"
    files="" # the runner's arguments name its folder of sweep files (queue_pids)
    for n in $names; do files="$files $sweeps/$n.ini"; done
    nohup nice -n 19 setsid -w sh scripts/background_sweep.sh _queue $files -- "$@" >> "$runs/queue.log" 2>&1 < /dev/null &
    q=$(await $! queue_pids)
    [ -n "$q" ] || { echo "queue: ended at once; $runs/queue.log ends:"; tail -n 2 "$runs/queue.log"; exit 1; }
    # Wait until the runner has set its scheduling group and its trap on
    # SIGTERM (in that order, its first acts): a stop right after this
    # queue would otherwise kill it before it can say what it left undone.
    i=0
    while [ $i -lt 200 ] && alive "$q" && ! catches_term "$q"; do
        sleep 0.05; i=$((i + 1))
    done
    echo "queue:$names (pid $q), log $runs/queue.log"
    ;;
_queue) # the detached runner of `queue`
    eval "$own_group" # its sweeps share it
    stopping=0
    trap 'stopping=1' TERM # from `stop`, between two sweeps
    names=""
    while [ $# -gt 0 ] && [ "$1" != -- ]; do n=${1##*/}; names="$names ${n%.ini}"; shift; done
    [ $# -eq 0 ] || shift
    left="$names"
    for n in $names; do
        left=${left# }; left=${left#"$n"}
        if [ -n "$(pids "$n")" ]; then
            echo "$(stamp) queue: $n is running outside the queue; not started: $n$left"; exit 1
        fi
        restore_for "$n" || { echo "$(stamp) queue: the runs of $n could not be restored; not started: $n$left"; exit 1; }
        [ $stopping = 0 ] || { echo "$(stamp) queue: stopped before $n; not started: $n$left"; exit 130; }
        echo "$(stamp) queue: $n started"
        rc=0
        "$lmstab" sweep "$sweeps/$n.ini" "$@" >> "$runs/$n.log" 2>&1 < /dev/null || rc=$?
        echo "$(stamp) queue: $n ended (exit $rc)"
        if [ $rc -ne 0 ]; then
            [ -z "$left" ] || echo "$(stamp) queue: not started:$left"
            exit $rc
        fi
    done
    echo "$(stamp) queue: done"
    ;;
stop)
    list="" queues=""
    if [ $# -eq 0 ]; then
        queues=$(queue_pids)
        for p in $queues; do kill -TERM "$p" 2>/dev/null || true; done
        list=$(pids)
    else
        for n in "$@"; do list="$list $(pids "$n")"; done
    fi
    mkdir -p "$runs"
    # one SIGINT a sweep, once it catches it (a sweep a queue has just
    # started ignores it until then); while a queue runs, the sweep it
    # may start before it sees its TERM is stopped too
    n=0
    while :; do
        [ -z "$queues" ] || list=$(pids)
        busy=0
        for p in $list; do
            alive "$p" || continue
            busy=1
            catches_int "$p" || continue
            claim_sigint "$p" || continue # sent already, by this stop or another
            kill -INT "$p" 2>/dev/null || true
            n=$((n + 1))
        done
        for p in $queues; do ! alive "$p" || busy=1; done
        [ $busy = 1 ] || break
        sleep 0.2
    done
    clear_sigints
    echo "stopped: $n sweeps"
    ;;
status)
    busy=0
    for p in $(pids); do
        busy=1
        n=$(tr '\0' ' ' < "/proc/$p/cmdline" | sed -n "s|.* $sweeps/\([A-Za-z0-9_]*\)\.ini.*|\1|p")
        finished=$(find "$runs/$n" -name summary.json 2>/dev/null | wc -l)
        echo "$n (pid $p): $finished runs finished; $(tail -n 1 "$runs/$n.log" 2>/dev/null)"
    done
    for q in $(queue_pids); do
        busy=1
        echo "queue (pid $q): $(grep ' queue: ' "$runs/queue.log" 2>/dev/null | tail -n 1)"
    done
    [ $busy = 0 ] || exit 0
    echo "no sweep running"
    # A queue that was stopped or ended logs it; one whose log ends at a
    # start, or at a sweep that finished (the runner then starts the next
    # or says done), was killed (a restart, SIGKILL) and did not checkpoint
    # its runs in progress. (A queue of another folder of sweep files may
    # write to this log: not while one does, or may: its descriptors
    # unreadable.)
    last=$(grep ' queue: ' "$runs/queue.log" 2>/dev/null | tail -n 1)
    case "$last" in
    *" queue: "*" started" | *" queue: "*" ended (exit 0)")
        log="$(cd "$runs" && pwd -P)/queue.log"
        for p in $(pgrep -f '^sh [^ ]*background_sweep\.sh _queue ' || true); do
            [ -r "/proc/$p/fd" ] || exit 0
            for f in /proc/"$p"/fd/*; do # (the shell keeps its stdout on a
                # saved descriptor while a sweep's redirection runs)
                [ "$(readlink "$f" 2>/dev/null)" != "$log" ] || exit 0
            done
        done
        echo "the queue was killed: its log ends with \"$last\"; \`queue NAME... [-- ARGS]\` again keeps the finished runs and starts those in progress again (from their checkpoint, if they wrote one)" ;;
    esac
    ;;
*) echo "background_sweep: start NAME... [-- ARGS] | queue NAME... [-- ARGS] | stop [NAME...] | status" >&2; exit 2 ;;
# (exit on the line of esac: the shell has then read the whole command it
# runs, so a queue runner that lives for days is not disturbed by an edit
# of this file in place: sh reads a script as it goes, and would read on
# after esac from the edited file, at the old offset)
esac; exit $?
