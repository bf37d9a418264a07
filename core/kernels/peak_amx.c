/* The AMX bf16 peak probe of peak.c: TDPBF16PS on tiles loaded once, so
 * it measures the tile unit alone (no memory). Its own file because the
 * tile intrinsics need -mamx-tile -mamx-bf16 (core/CMakeLists.txt), which
 * gemm_amx.c's packing and driver need not share with a probe. */
#include <stdint.h>
#include <string.h>

#include "kernels/peak.h"

#if defined(__x86_64__) && defined(__AMX_TILE__) && defined(__AMX_BF16__)
#include <immintrin.h>

/* Tiles 0-3 accumulate (16 x 16 float), 4-5 A (16 x 32 bf16), 6-7 B
 * (16 pairs x 16 columns): 4 independent TDPBF16PS a step, 16 x 16 x 32 x
 * 2 = 16384 flops each. Operands 2^-10 (bf16 0x3a80): each step adds 2^-15
 * per element, so sums stay small and normal. */
float lms_peak_amx_probe(long iters) {
    struct {
        uint8_t palette, start_row, reserved[14];
        uint16_t colsb[16];
        uint8_t rows[16];
    } cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.palette = 1;
    for (int t = 0; t < 8; t++) {
        cfg.colsb[t] = 64;
        cfg.rows[t] = 16;
    }
    uint16_t op[16 * 32];
    for (int i = 0; i < 16 * 32; i++)
        op[i] = 0x3a80;
    float out[16 * 16];
    _tile_loadconfig(&cfg);
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
    _tile_loadd(4, op, 64);
    _tile_loadd(5, op, 64);
    _tile_loadd(6, op, 64);
    _tile_loadd(7, op, 64);
    for (long it = 0; it < iters; it++) {
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
    }
    float r = 0.0f;
    _tile_stored(0, out, 64);
    r += out[0];
    _tile_stored(1, out, 64);
    r += out[0];
    _tile_stored(2, out, 64);
    r += out[0];
    _tile_stored(3, out, 64);
    r += out[0];
    _tile_release();
    return r;
}
#else
float lms_peak_amx_probe(long iters) {
    (void)iters;
    return 0.0f;
}
#endif
