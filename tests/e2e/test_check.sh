# lmstab check PLUGIN.so: the conformance checks on one plugin, one line
# per check. A real plugin passes every check (exit 0); each bug of the
# fixtures (tests/fixtures/check_bugs.c, guard_oob.c; tests/guard.cmake) is
# named by the check it breaks, with its reason (exit 1); a write past the
# end of a buffer is named as exactly that, buffer and all, not as the
# gradient mismatch it causes.
. "$(dirname "$0")/lib.sh"
[ -n "${LMS_FIXTURE_PLUGIN_DIR:-}" ] || fail "LMS_FIXTURE_PLUGIN_DIR not set"
F="$LMS_FIXTURE_PLUGIN_DIR"
# check_ok ARGS...: exit 0, every line PASS
check_ok() {
    "$LMSTAB" check "$@" >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/out" "$TMP/err"; fail "check failed: $*"; }
    grep -q '^FAIL' "$TMP/out" && { cat "$TMP/out"; fail "a FAIL line with exit 0: $*"; }
    grep -q "all [0-9]* checks passed" "$TMP/out" || { cat "$TMP/out"; fail "no summary: $*"; }
}
# check_fails "check" "reason" ARGS...: exit 1 and a line "FAIL check ... reason"
check_fails() {
    chk="$1"; why="$2"; shift 2
    "$LMSTAB" check "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ $rc -eq 1 ] || { cat "$TMP/out" "$TMP/err"; fail "exit $rc, want 1: $*"; }
    grep "^FAIL $chk " "$TMP/out" | grep -qF -- "$why" ||
        { cat "$TMP/out"; fail "no 'FAIL $chk ... $why' line: $*"; }
    # a guard failure is never also reported as a gradient mismatch
    case "$why" in *"wrote past"*)
        ! grep -q "gradient mismatch" "$TMP/out" || { cat "$TMP/out"; fail "a guard failure reported as a gradient mismatch: $*"; } ;;
    esac
}
# real plugins pass, by path and by name, with their slots filled
check_ok "$PLUGINS/lms_layernorm.so"
for c in descriptor keys rows gradient accumulate determinism guard; do
    grep -q "^PASS $c " "$TMP/out" || { cat "$TMP/out"; fail "no PASS line for $c"; }
done
check_ok causal_attention --plugin-dir "$PLUGINS"
grep -q '^PASS gradient *+q_norm=' "$TMP/out" || { cat "$TMP/out"; fail "slots not filled"; }
check_ok "$PLUGINS/lms_layernorm.so" --keys eps=1e-6,bias=false --no-guard
grep -q "without guard zones" "$TMP/out" || fail "--no-guard not said"
check_ok "$F/lms_check_bugs.so"
# the named failures
check_fails gradient "gradient mismatch at x[" "$F/lms_check_bugs.so" --keys bug=grad
check_fails accumulate "backward overwrites dx instead of adding to it" "$F/lms_check_bugs.so" --keys bug=overwrite
check_fails determinism "two runs on the same input differ" "$F/lms_check_bugs.so" --keys bug=state
check_fails keys "scale = 'not_a_value' is accepted" "$F/lms_check_lax.so"
check_fails plan "nope: unknown key for plugin 'check_bugs'; accepted: bug, scale" "$F/lms_check_bugs.so" --keys nope=1
check_fails load "lms_missing.so: cannot open" "$TMP/lms_missing.so"
# usage errors: exit 2
"$LMSTAB" check >/dev/null 2>&1; [ $? -eq 2 ] || fail "no argument: want exit 2"
"$LMSTAB" check a.so b.so >/dev/null 2>&1; [ $? -eq 2 ] || fail "two plugins: want exit 2"
"$LMSTAB" check "$F/lms_check_bugs.so" --keys novalue >/dev/null 2>&1; [ $? -eq 2 ] || fail "--keys novalue: want exit 2"
"$LMSTAB" check --help | grep -q "usage: lmstab check" || fail "--help"
# guard zones: a write one float past a buffer is named as such (under
# ASan the write itself is stopped: e2e guard_zones covers that build)
if nm "$LMSTAB" 2>/dev/null | grep -q __asan_init; then echo "ok (guard cases skipped under ASan)"; exit 0; fi
past="plugin 'guard_oob_norm' (op 'check'"
check_fails gradient "$past, forward) wrote past the end of its parameter 'weight': 0 floats past its 32" \
    "$F/lms_guard_oob_norm.so" --keys buffer=weight
check_fails guard "wrote past the end of its parameter 'weight'" "$F/lms_guard_oob_norm.so" --keys buffer=weight
check_fails gradient "$past, backward) wrote past the end of the gradient of its parameter 'weight'" \
    "$F/lms_guard_oob_norm.so" --keys buffer=dweight,pass=backward
check_fails gradient "$past, backward) wrote past the end of its input gradient dx" \
    "$F/lms_guard_oob_norm.so" --keys buffer=dx,pass=backward
check_fails gradient "$past, forward) wrote past the end of its output y" "$F/lms_guard_oob_norm.so" --keys buffer=y
check_fails gradient "$past, forward) wrote past the end of its cache" "$F/lms_guard_oob_norm.so" --keys buffer=cache
check_fails gradient "$past, backward) wrote past the end of its scratch" "$F/lms_guard_oob_norm.so" --keys buffer=scratch,pass=backward
check_fails gradient "$past, forward) wrote past the end of its stats" "$F/lms_guard_oob_norm.so" --keys buffer=stats
echo ok
