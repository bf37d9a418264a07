#!/bin/sh
# each_coretype.sh CMD [ARG...]: runs CMD as the environment has it, then
# once under every OpenBLAS kernel set the CPU supports (coretypes.sh);
# fails on the first failure, naming the kernel set.
set -u
"$@" || { echo "FAIL (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}): $*" >&2; exit 1; }
for ct in $(sh "$(dirname "$0")/coretypes.sh"); do
    OPENBLAS_CORETYPE=$ct "$@" || { echo "FAIL (OPENBLAS_CORETYPE=$ct): $*" >&2; exit 1; }
done
