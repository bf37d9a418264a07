# Ranks started with different jobs (config overrides, data) stop at once
# with one clear error on every rank, never abort mid-allreduce, spin for
# ever or train different parameters silently; a rank that fails to set up
# takes the others down with a message.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
head -c 150000 "$TMP/corpus.txt" > "$TMP/other.txt"
MPMD="$MPIRUN --oversubscribe"
[ "$(id -u)" = 0 ] && MPMD="$MPMD --allow-run-as-root"
A="$SRC/configs/baseline.ini $TINY --set training.batch_size=4 --set training.max_steps=30 --plugin-dir $PLUGINS --quiet"
# two ranks: rank 0 runs $A + $1, rank 1 runs $A + $2; must fail on both
mismatch() {
    timeout -s KILL 120 $MPMD -np 1 "$LMSTAB" train $A $1 : -np 1 "$LMSTAB" train $A $2 > "$TMP/log" 2>&1
    rc=$?
    [ $rc -ne 0 ] || { cat "$TMP/log"; fail "ranks with '$1' vs '$2' exited 0"; }
    [ $rc -ne 137 ] || { cat "$TMP/log"; fail "ranks with '$1' vs '$2' hung (killed after 120 s)"; }
    n=$(grep -c "lmstab: error: $3" "$TMP/log")
    [ "$n" -eq 2 ] || { cat "$TMP/log"; fail "expected '$3' from both ranks, got $n"; }
}
D="--data $TMP/corpus.txt"
same="MPI ranks 0 and 1 do not run the same job: their config text, --set overrides, data or plugins differ"
mismatch "$D" "$D --set model.d_model=16" "$same"
mismatch "$D" "$D --set training.max_steps=60" "$same"
mismatch "$D" "$D --set training.lr=0.01" "$same"
mismatch "$D" "--data $TMP/other.txt" "$same"
# a rank that fails to set up: its own error, and the other rank says so
timeout -s KILL 120 $MPMD -np 1 "$LMSTAB" train $A $D : -np 1 "$LMSTAB" train $A $D --set model.n_head=5 > "$TMP/log" 2>&1
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 137 ] || { cat "$TMP/log"; fail "a rank failing its setup gave rc $rc"; }
grep -q "lmstab: error: MPI rank 1 failed to set up (see its message); every rank stops" "$TMP/log" &&
    grep -q "must be divisible by n_head (5)" "$TMP/log" || { cat "$TMP/log"; fail "no clear message for a rank failing its setup"; }
echo ok
