#!/bin/sh
# Install lmstab into a temporary prefix and use it as a plugin author would.
# usage: test_install.sh CMAKE CTEST BUILD_DIR SOURCE_DIR BINDIR LIBDIR
set -u
CMAKE="$1"; CTEST="$2"; BUILD="$3"; SRC="$4"; BINDIR="$5"; LIBDIR="$6"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }
# No environment may point at plugins: the install must find its own.
unset LMSTAB_PLUGIN_PATH LMS_TEST_PLUGIN_DIR PKG_CONFIG_PATH CMAKE_PREFIX_PATH
P="$TMP/prefix"

step "cmake --install into $P"
"$CMAKE" --install "$BUILD" --prefix "$P" >"$TMP/install.log" 2>&1 ||
    { cat "$TMP/install.log"; fail "cmake --install"; }
for f in "$BINDIR/lmstab" include/lmstab/plugin.h include/lmstab/plugin_util.h \
         include/lmstab/plugin_math.h include/lmstab/plugin_linear.h \
         include/lmstab/testkit.h include/lmstab/tk_check.h include/lmstab/tk_suite.h \
         "$LIBDIR/lmstab/lms_layernorm.so" "$LIBDIR/lmstab/lms_causal_attention.so" \
         "$LIBDIR/liblmstab_engine.a" "$LIBDIR/liblms_testkit.a" "$LIBDIR/liblms_tk_suite.a" \
         "$LIBDIR/pkgconfig/lmstab.pc" "$LIBDIR/pkgconfig/lmstab-testkit.pc" \
         "$LIBDIR/cmake/lmstab/lmstabConfig.cmake" \
         "$LIBDIR/cmake/lmstab/lmstabConfigVersion.cmake"; do
    [ -e "$P/$f" ] || fail "not installed: $f"
done
(cd "$P" && find . -type f | sort)

step "three surfaces, nothing else: no internal header, no core library"
# the SDK (plugin*.h) and the kit's own headers, and no other header
others=$(cd "$P/include" && find . -type f ! -path './lmstab/plugin*.h' ! -path './lmstab/testkit.h' \
         ! -path './lmstab/tk_check.h' ! -path './lmstab/tk_suite.h')
[ -z "$others" ] || fail "internal headers installed: $others"
[ -e "$P/$LIBDIR/liblmstab_core.a" ] && fail "liblmstab_core.a installed (the core is not a public surface)"
# each installed header compiles on its own with only the include dir
for h in plugin.h plugin_util.h plugin_math.h plugin_linear.h testkit.h tk_check.h; do
    printf '#include <lmstab/%s>\nint main(void) { return 0; }\n' "$h" >"$TMP/h.c"
    cc -std=c11 -Wall -Wextra -Werror -I"$P/include" -c "$TMP/h.c" -o "$TMP/h.o" ||
        fail "<lmstab/$h> does not compile on its own"
done
# the SDK links nothing; the kit links the engine and OpenBLAS, not the
# core's dependencies (inih, cJSON, MPI, SentencePiece)
sdk_libs=$(PKG_CONFIG_PATH="$P/$LIBDIR/pkgconfig" pkg-config --libs lmstab) || fail "pkg-config lmstab"
[ "$(echo $sdk_libs)" = "-lm" ] || fail "the SDK links more than libm: $sdk_libs"
kit_libs=$(PKG_CONFIG_PATH="$P/$LIBDIR/pkgconfig" pkg-config --libs lmstab-testkit) || fail "pkg-config lmstab-testkit"
echo "kit: $kit_libs"
echo "$kit_libs" | grep -q -- '-llmstab_engine' || fail "the kit does not link the engine: $kit_libs"
echo "$kit_libs" | grep -qiE 'inih|cjson|mpi|sentencepiece|lmstab_core' && fail "the kit links the core's dependencies: $kit_libs"
grep -qiE 'inih|cjson|MPI|SPM|lmstab_core' "$P/$LIBDIR/cmake/lmstab/lmstabTargets.cmake" &&
    fail "lmstab::testkit links the core's dependencies (lmstabTargets.cmake)"

LMSTAB="$P/$BINDIR/lmstab"
"$LMSTAB" --version | grep -q '^lmstab [0-9]' || fail "lmstab --version"

# Every plugin listed must come from the prefix, found with no variable.
check_own_plugins() { # $1 = prefix
    "$1/$BINDIR/lmstab" plugins >"$TMP/plugins.txt" 2>&1 || { cat "$TMP/plugins.txt"; fail "lmstab plugins ($1)"; }
    n=$(grep -c '^    /.*/lms_.*\.so$' "$TMP/plugins.txt")
    own=$(grep -c "^    $1/$LIBDIR/lmstab/lms_.*\.so\$" "$TMP/plugins.txt")
    [ "$n" -gt 0 ] && [ "$n" -eq "$own" ] || { cat "$TMP/plugins.txt"; fail "plugins not all from $1/$LIBDIR/lmstab ($own of $n)"; }
    echo "ok: $own plugins found in $1/$LIBDIR/lmstab"
}
step "the installed lmstab finds its installed plugins"
check_own_plugins "$P"

# Corpus: the head of the default corpus if present, else generated text.
src="$SRC/../shared/data/tinyshakespeare.txt"
[ -r "$SRC/data/tinyshakespeare.txt" ] && src="$SRC/data/tinyshakespeare.txt"
if [ -r "$src" ]; then head -c 200000 "$src" >"$TMP/corpus.txt"
else i=0; while [ $i -lt 4000 ]; do echo "line $i of some text to learn from."; i=$((i+1)); done >"$TMP/corpus.txt"; fi
TINY="--set model.d_model=32 --set model.n_layer=2 --set model.n_head=2 --set model.context=32
 --set training.batch_size=4 --set training.max_steps=12 --set training.eval_every=6
 --set training.eval_batches=2 --set training.log_every=3 --set training.warmup_steps=3"
step "train the baseline with the installed lmstab, no --plugin-dir"
"$LMSTAB" train "$SRC/configs/baseline.ini" $TINY --data "$TMP/corpus.txt" \
    --out "$TMP/run_base" --quiet || fail "train baseline"
[ -s "$TMP/run_base/summary.json" ] || fail "no summary.json"

# The out-of-tree plugin, once per way of finding lmstab.
build_example() { # $1 = build dir, $2... = extra configure args
    b="$1"; shift
    "$CMAKE" -S "$SRC/examples/my_norm" -B "$b" "$@" >"$TMP/cfg.log" 2>&1 ||
        { cat "$TMP/cfg.log"; fail "configure examples/my_norm $*"; }
    grep -q "test_scalenorm skipped" "$TMP/cfg.log" && { cat "$TMP/cfg.log"; fail "test kit not found ($*)"; }
    "$CMAKE" --build "$b" >"$TMP/build.log" 2>&1 ||
        { cat "$TMP/build.log"; fail "build examples/my_norm $*"; }
    grep -i "warning" "$TMP/build.log" && fail "warnings building examples/my_norm"
    (cd "$b" && "$CTEST" --output-on-failure) || fail "Check test of examples/my_norm ($*)"
    [ -f "$b/lms_scalenorm.so" ] || fail "no $b/lms_scalenorm.so"
    nm -D --defined-only "$b/lms_scalenorm.so" | grep ' T ' | grep -v ' lms_plugin_entry$' &&
        fail "lms_scalenorm.so exports more than lms_plugin_entry"
    return 0
}
step "examples/my_norm with find_package(lmstab)"
build_example "$TMP/ex_cmake" -DCMAKE_PREFIX_PATH="$P"
step "examples/my_norm with pkg-config"
PKG_CONFIG_PATH="$P/$LIBDIR/pkgconfig" build_example "$TMP/ex_pc" -DMY_NORM_USE_PKGCONFIG=ON
[ "$(PKG_CONFIG_PATH="$P/$LIBDIR/pkgconfig" pkg-config --variable=plugindir lmstab)" -ef "$P/$LIBDIR/lmstab" ] ||
    fail "pkg-config --variable=plugindir lmstab is not $P/$LIBDIR/lmstab"

step "the installed lmstab checks the out-of-tree plugin (lmstab check)"
"$LMSTAB" check "$TMP/ex_cmake/lms_scalenorm.so" >"$TMP/check.txt" 2>&1 ||
    { cat "$TMP/check.txt"; fail "lmstab check lms_scalenorm.so"; }
cat "$TMP/check.txt"
grep -q "^PASS guard" "$TMP/check.txt" || fail "lmstab check ran without guard zones"

CFG="$SRC/examples/my_norm/scalenorm_qk.ini"
step "without --plugin-dir the installed lmstab does not know scalenorm"
if "$LMSTAB" plugins --keys scalenorm >/dev/null 2>&1; then
    echo "skipped: a scalenorm is installed in this machine's default plugin dir"
else
    if "$LMSTAB" train "$CFG" $TINY --data "$TMP/corpus.txt" --quiet 2>"$TMP/err"; then
        fail "scalenorm found although not installed"
    fi
    grep -q "unknown plugin 'scalenorm'" "$TMP/err" || { cat "$TMP/err"; fail "expected an unknown-plugin error"; }
fi
step "train scalenorm_qk.ini through --plugin-dir"
"$LMSTAB" train "$CFG" $TINY --data "$TMP/corpus.txt" --plugin-dir "$TMP/ex_cmake" \
    --out "$TMP/run_sn" --quiet || fail "train scalenorm_qk.ini"
grep -q '"steps":[[:space:]]*12' "$TMP/run_sn/summary.json" || fail "scalenorm run did not finish 12 steps"
grep -q '"diverged":[[:space:]]*false' "$TMP/run_sn/summary.json" || fail "scalenorm run diverged"
"$LMSTAB" plugins --plugin-dir "$TMP/ex_pc" --keys scalenorm | grep -q "$TMP/ex_pc/lms_scalenorm.so" ||
    fail "the pkg-config build of scalenorm does not load"

step "cmake --install the example: then found with no --plugin-dir"
"$CMAKE" --install "$TMP/ex_cmake" >/dev/null || fail "install examples/my_norm"
"$LMSTAB" train "$CFG" $TINY --data "$TMP/corpus.txt" --quiet || fail "installed scalenorm not found"

step "a moved install still finds its own plugins"
mv "$P" "$TMP/moved" || fail "mv"
check_own_plugins "$TMP/moved"
[ -n "$(PKG_CONFIG_PATH="$TMP/moved/$LIBDIR/pkgconfig" pkg-config --cflags lmstab | grep "$TMP/moved")" ] ||
    fail "lmstab.pc is not relocatable"
echo "ok"
