/* The names of lms_sgemm's backends and the rule that resolves `auto`
 * (host.h). The rule is fixed, not timed (the backends round differently).
 * It rests on docs/performance.md: at 1 thread lmstab's AVX-512 kernel ran
 * 1.1-1.9x OpenBLAS's AVX2 kernels at every measured shape and 1.06-1.14x
 * in training, but 0.81-0.87x its AVX-512 kernels in training. */
#include <cblas.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "kernels/gemm.h"
#include "kernels/gemm_onednn.h"
#include "lmstab/plugin_math.h" /* lms_simd_level */
#include "kernels/host.h"

const char *lms_gemm_backend_name(lms_gemm_backend b) {
    switch (b) {
    case LMS_GEMM_OPENBLAS: return "openblas";
    case LMS_GEMM_LMSTAB: return "lmstab";
    case LMS_GEMM_AUTO: return "auto";
    case LMS_GEMM_ONEDNN: return "onednn";
    }
    return "?";
}

int lms_gemm_backend_parse(const char *s, lms_gemm_backend *out) {
    for (int b = LMS_GEMM_OPENBLAS; b <= LMS_GEMM_ONEDNN; b++)
        if (s && !strcmp(s, lms_gemm_backend_name((lms_gemm_backend)b))) {
            *out = (lms_gemm_backend)b;
            return 0;
        }
    return -1;
}

int lms_gemm_backend_available(lms_gemm_backend b) {
    return b != LMS_GEMM_ONEDNN || lms_onednn_available();
}

const char *lms_gemm_kernel_name(lms_gemm_backend b) {
    if (b == LMS_GEMM_LMSTAB)
        return lms_gemm_isa();
    if (b == LMS_GEMM_ONEDNN && lms_onednn_available())
        return lms_onednn_isa();
    const char *core = openblas_get_corename();
    return core ? core : "?";
}

const char *lms_plugin_simd_name(void) {
    static const char *const name[] = {"generic", "avx2", "avx512"};
    return name[lms_simd_level("LMSTAB_ATT_KERNEL")];
}

/* OpenBLAS 0.3.21's kernel sets with AVX-512 sgemm kernels. */
static int openblas_has_avx512(const char *core) {
    static const char *wide[] = {"skylakex", "cooperlake", "sapphirerapids"};
    char low[64];
    size_t i = 0;
    for (; core && core[i] && i + 1 < sizeof low; i++)
        low[i] = (char)tolower((unsigned char)core[i]);
    low[i] = '\0';
    for (size_t w = 0; w < sizeof wide / sizeof wide[0]; w++)
        if (!strcmp(low, wide[w]))
            return 1;
    return 0;
}

lms_gemm_backend lms_gemm_auto_under(const char *core) {
    return !strcmp(lms_gemm_isa(), "avx512") && !openblas_has_avx512(core)
               ? LMS_GEMM_LMSTAB : LMS_GEMM_OPENBLAS;
}

lms_gemm_backend lms_gemm_auto(char *why, size_t len) {
    const char *core = openblas_get_corename();
    const char *isa = lms_gemm_isa();
    const int own_wider = lms_gemm_auto_under(core) == LMS_GEMM_LMSTAB;
    if (why && len)
        snprintf(why, len, "lmstab kernel %s, OpenBLAS kernels %s: %s", isa,
                 core ? core : "?",
                 own_wider ? "lmstab's are wider" : "OpenBLAS's are as wide");
    return own_wider ? LMS_GEMM_LMSTAB : LMS_GEMM_OPENBLAS;
}
