# golden_bf16.sh LMSTAB KERNEL EXPECT CONFIG FILE [ARGS...]
# One bf16 golden check with LMSTAB_BF16_KERNEL=KERNEL (emulated | native |
# amx):
# EXPECT=match: `lmstab golden` must say MATCH; EXPECT=mismatch: it must
# fail on gradients (a "FAIL g0." line) and say MISMATCH, with no error.
# KERNEL=native where the CPU has no AVX512_BF16, or amx where it has no
# AMX-BF16 or Linux refuses the tile state (the run says it used the
# emulated kernel), exits 77, which ctest reports as skipped.
lmstab=$1; kernel=$2; expect=$3; shift 3
out=$(LMSTAB_BF16_KERNEL=$kernel "$lmstab" golden "$@" --set training.precision=bf16 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$kernel" != emulated ] && printf '%s\n' "$out" | grep -q "on the emulated kernel"; then
    echo "the $kernel kernel does not run here: not tested"
    exit 77
fi
printf '%s\n' "$out" | grep -q "bf16 products on the" || { echo "not checked under the bf16 rules"; exit 1; }
case $expect in
match) [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q "^MATCH: " ;;
mismatch) [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q "FAIL g0\." &&
          printf '%s\n' "$out" | grep -q "^MISMATCH: " ;;
*) echo "golden_bf16.sh: EXPECT must be match or mismatch"; exit 2 ;;
esac
