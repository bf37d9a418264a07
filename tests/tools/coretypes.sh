#!/bin/sh
# Prints the OpenBLAS kernel sets (OPENBLAS_CORETYPE values) this CPU can
# run, one per line, so a test can repeat itself under each: results must not
# depend on the thread count whichever kernels OpenBLAS uses (machines may
# pin it, e.g. to Haswell on CPUs newer than the library). Empty where the
# CPU is not x86-64 or the flags cannot be read.
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null) || exit 0
has() { for f in "$@"; do case " ${flags#*:} " in *" $f "*) ;; *) return 1 ;; esac; done; }
has pni && echo Prescott
has avx2 fma && echo Haswell
has avx512f avx512bw avx512dq avx512vl && echo SkylakeX
has avx512f avx512bw avx512dq avx512vl avx512_bf16 && echo Cooperlake
exit 0
