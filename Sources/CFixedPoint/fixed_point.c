#include "flipside_fixed_point.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define FLIPSIDE_VNNI __attribute__((target("avx512f,avx512bw,avx512dq,avx512vbmi,avx512vnni")))
#endif

int64_t flipside_fixed_stride(int64_t n) { return (n + 63) / 64 * 64; }

int flipside_fixed_best_kernel(void) {
    const char *chosen = getenv("FLIPSIDE_FIXED_KERNEL");
    if (chosen && strcmp(chosen, "float") == 0) return -1;
    if (chosen && strcmp(chosen, "portable") == 0) return 0;
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vbmi") &&
           __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

const char *flipside_fixed_kernel_name(int kernel) {
    return kernel > 0 ? "avx512-vnni" : kernel == 0 ? "portable" : "float";
}

/* round(v · scale), ties to even, for results below 2^30 in magnitude. */
static inline int32_t round_fixed(float v, double scale) {
    /* Adding and taking away 1.5·2^52 rounds |t| < 2^51 to an integer, ties to
       even, in two additions (nearbyint may be a library call per element). */
    const double shift = 0x1.8p52;
    return (int32_t)(((double)v * scale + shift) - shift);
}

static void split_portable(const float *v, int64_t n, double scale, int8_t *digits, int64_t stride) {
    for (int64_t i = 0; i < n; i++) {
        int32_t q = round_fixed(v[i], scale);
        for (int l = 0; l < 4; l++) {
            int8_t digit = (int8_t)(uint8_t)(q & 255);
            digits[l * stride + i] = digit;
            q = (q - digit) / 256;
        }
    }
}

#if defined(__x86_64__)
/* With 2^-exponent a normal float, v · 2^-exponent is exact in float (or
   below the smallest normal, where it rounds to 0 either way). The digits are
   the bytes of q + 0x80808080, each less 128: adding 128 to every digit makes
   them bytes, carries included. */
static void FLIPSIDE_VNNI split_vnni(const float *v, int64_t n, float scale, int8_t *digits, int64_t stride) {
    const __m512 factor = _mm512_set1_ps(scale);
    const __m512i offset = _mm512_set1_epi32((int32_t)0x80808080);
    /* Byte l of dword k to position 16·l + k: the four planes' 16 digits in turn. */
    const __m512i planes = _mm512_set_epi8(63, 59, 55, 51, 47, 43, 39, 35, 31, 27, 23, 19, 15, 11, 7, 3,
                                           62, 58, 54, 50, 46, 42, 38, 34, 30, 26, 22, 18, 14, 10, 6, 2,
                                           61, 57, 53, 49, 45, 41, 37, 33, 29, 25, 21, 17, 13, 9, 5, 1,
                                           60, 56, 52, 48, 44, 40, 36, 32, 28, 24, 20, 16, 12, 8, 4, 0);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512i q = _mm512_cvt_roundps_epi32(_mm512_mul_ps(_mm512_loadu_ps(v + i), factor),
                                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        const __m512i bytes = _mm512_xor_si512(_mm512_add_epi32(q, offset), offset);
        const __m512i grouped = _mm512_permutexvar_epi8(planes, bytes);
        _mm_storeu_si128((void *)(digits + i), _mm512_castsi512_si128(grouped));
        _mm_storeu_si128((void *)(digits + stride + i), _mm512_extracti32x4_epi32(grouped, 1));
        _mm_storeu_si128((void *)(digits + 2 * stride + i), _mm512_extracti32x4_epi32(grouped, 2));
        _mm_storeu_si128((void *)(digits + 3 * stride + i), _mm512_extracti32x4_epi32(grouped, 3));
    }
    split_portable(v + i, n - i, (double)scale, digits + i, stride);
}
#endif

void flipside_fixed_split(int kernel, const float *v, int64_t n, int exponent, int8_t *digits, int64_t stride) {
    const double scale = ldexp(1.0, -exponent);
#if defined(__x86_64__)
    if (kernel > 0 && -exponent >= -126 && -exponent <= 127) { split_vnni(v, n, (float)scale, digits, stride); return; }
#endif
    split_portable(v, n, scale, digits, stride);
}

static inline int64_t combine(int64_t d0, int64_t d1, int64_t d2, int64_t d3) {
    return ((d3 * 256 + d2) * 256 + d1) * 256 + d0;
}

/* ---- portable: the same digit planes, summed by plain loops ---- */

/* A digit times a pixel fits in 16 bits (|127·255|, 128·255 = 32640), and d of
   them (d ≤ 65536) in 32; compilers vectorise these loops as 16-bit products. */
static void dot_portable(const uint8_t *base, int64_t d, const int32_t *rows, int64_t count, const int8_t *digits,
                         int64_t stride, int64_t *out) {
    for (int64_t i = 0; i < count; i++) {
        const uint8_t *x = base + (int64_t)rows[i] * d;
        const int8_t *q0 = digits, *q1 = digits + stride, *q2 = digits + 2 * stride, *q3 = digits + 3 * stride;
        int32_t s[4] = {0, 0, 0, 0};
        for (int64_t j = 0; j < d; j++) {
            const int16_t v = x[j];
            s[0] += v * q0[j];
            s[1] += v * q1[j];
            s[2] += v * q2[j];
            s[3] += v * q3[j];
        }
        out[i] = combine(s[0], s[1], s[2], s[3]);
    }
}

static void accumulate_portable(const uint8_t *base, int64_t d, const int32_t *rows, int64_t count,
                                const int8_t *digits, int64_t stride, int32_t *planes) {
    const int64_t plane = flipside_fixed_stride(d);
    memset(planes, 0, (size_t)(4 * plane) * sizeof(int32_t));
    for (int64_t i = 0; i < count; i++) {
        const uint8_t *x = base + (int64_t)rows[i] * d;
        const int16_t c0 = digits[i], c1 = digits[stride + i], c2 = digits[2 * stride + i], c3 = digits[3 * stride + i];
        for (int64_t j = 0; j < d; j++) {
            const int16_t v = x[j];
            planes[j] += (int16_t)(c0 * v);
            planes[plane + j] += (int16_t)(c1 * v);
            planes[2 * plane + j] += (int16_t)(c2 * v);
            planes[3 * plane + j] += (int16_t)(c3 * v);
        }
    }
}

/* The accumulator holds four planes of 32-bit sums, one per digit of q. The
   vector kernel interleaves four rows byte by byte so that one dpbusd adds, for
   16 features, the products with the four rows' digits; that leaves feature
   64c + 16L + 4t + e in slot 64c + 16t + 4L + e of a plane. */
static inline int64_t plane_slot(int64_t j) {
    const int64_t r = j & 63;
    return (j - r) + ((r >> 2) & 3) * 16 + (r >> 4) * 4 + (r & 3);
}

/* The planes' exact sum at slot s, times scale. */
static inline double scaled_sum(const int32_t *planes, int64_t plane, int64_t s, double scale) {
    return (double)combine(planes[s], planes[plane + s], planes[2 * plane + s], planes[3 * plane + s]) * scale;
}

/* Features from ..< d, the planes in the portable layout (slot j) or, from the
   vector kernel, its interleaved one (`plane_slot`). Two loops, not one with the
   destination chosen inside: vectorised, that choice becomes masked loads and
   stores through the null pointer, which some processors execute very slowly. */
static void add_sums_range(const int32_t *planes, int64_t from, int64_t d, int interleaved, double scale,
                           double *total, float *floats) {
    const int64_t plane = flipside_fixed_stride(d);
    if (total) {
        for (int64_t j = from; j < d; j++) total[j] += scaled_sum(planes, plane, interleaved ? plane_slot(j) : j, scale);
    } else {
        for (int64_t j = from; j < d; j++)
            floats[j] += (float)scaled_sum(planes, plane, interleaved ? plane_slot(j) : j, scale);
    }
}

#if defined(__x86_64__)
/* ---- AVX-512 VNNI: digit planes, 32-bit sums per digit ---- */

static inline __mmask64 FLIPSIDE_VNNI chunk_mask(int64_t d, int64_t start) {
    int64_t left = d - start;
    return left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
}

/* 64 pixels from p, those past the row's end (in a last, partial chunk) as 0.
   A whole chunk is a plain load: masked loads cost more on some processors. */
static inline __m512i FLIPSIDE_VNNI load_chunk(const uint8_t *p, int whole, __mmask64 m) {
    return whole ? _mm512_loadu_si512(p) : _mm512_maskz_loadu_epi8(m, p);
}

/* Per 128-bit lane: the lane sums of a, b, c, d, in that order. */
static inline __m512i FLIPSIDE_VNNI lane_sums4(__m512i a, __m512i b, __m512i c, __m512i d) {
    __m512i ab = _mm512_add_epi32(_mm512_unpacklo_epi32(a, b), _mm512_unpackhi_epi32(a, b));
    __m512i cd = _mm512_add_epi32(_mm512_unpacklo_epi32(c, d), _mm512_unpackhi_epi32(c, d));
    return _mm512_add_epi32(_mm512_unpacklo_epi64(ab, cd), _mm512_unpackhi_epi64(ab, cd));
}

/* The four lanes of each of u0..u3 added: lane k holds u_k's totals. */
static inline __m512i FLIPSIDE_VNNI across_lanes4(__m512i u0, __m512i u1, __m512i u2, __m512i u3) {
    __m512i v = _mm512_add_epi32(_mm512_shuffle_i32x4(u0, u1, 0x88), _mm512_shuffle_i32x4(u0, u1, 0xDD));
    __m512i w = _mm512_add_epi32(_mm512_shuffle_i32x4(u2, u3, 0x88), _mm512_shuffle_i32x4(u2, u3, 0xDD));
    return _mm512_add_epi32(_mm512_shuffle_i32x4(v, w, 0x88), _mm512_shuffle_i32x4(v, w, 0xDD));
}

/* The four rows' exact sums into sums[0..3], prefetching the rows n[0..3] on the way. */
static inline void FLIPSIDE_VNNI dot_group(const uint8_t *const p[4], const uint8_t *const n[4], int64_t d,
                                           const int8_t *digits, int64_t stride, int64_t sums[4]) {
    __m512i a[4][4];
    for (int r = 0; r < 4; r++)
        for (int l = 0; l < 4; l++) a[r][l] = _mm512_setzero_si512();
    for (int64_t k = 0; k < d; k += 64) {
        const __mmask64 m = chunk_mask(d, k);
        for (int r = 0; r < 4; r++) _mm_prefetch((const char *)(n[r] + k), _MM_HINT_T0);
        const int whole = k + 64 <= d;
        const __m512i x0 = load_chunk(p[0] + k, whole, m), x1 = load_chunk(p[1] + k, whole, m);
        const __m512i x2 = load_chunk(p[2] + k, whole, m), x3 = load_chunk(p[3] + k, whole, m);
        for (int l = 0; l < 4; l++) {
            const __m512i w = _mm512_loadu_si512(digits + l * stride + k);
            a[0][l] = _mm512_dpbusd_epi32(a[0][l], x0, w);
            a[1][l] = _mm512_dpbusd_epi32(a[1][l], x1, w);
            a[2][l] = _mm512_dpbusd_epi32(a[2][l], x2, w);
            a[3][l] = _mm512_dpbusd_epi32(a[3][l], x3, w);
        }
    }
    int32_t s[16] __attribute__((aligned(64)));
    _mm512_store_si512(s, across_lanes4(lane_sums4(a[0][0], a[1][0], a[2][0], a[3][0]),
                                        lane_sums4(a[0][1], a[1][1], a[2][1], a[3][1]),
                                        lane_sums4(a[0][2], a[1][2], a[2][2], a[3][2]),
                                        lane_sums4(a[0][3], a[1][3], a[2][3], a[3][3])));
    for (int r = 0; r < 4; r++) sums[r] = combine(s[r], s[4 + r], s[8 + r], s[12 + r]);
}

static void FLIPSIDE_VNNI dot_vnni(const uint8_t *base, int64_t d, const int32_t *rows, int64_t count,
                                   const int8_t *digits, int64_t stride, int64_t *out) {
    int64_t i = 0;
    for (; i + 4 <= count; i += 4) {
        const uint8_t *const p[4] = {base + (int64_t)rows[i] * d, base + (int64_t)rows[i + 1] * d,
                                     base + (int64_t)rows[i + 2] * d, base + (int64_t)rows[i + 3] * d};
        /* The next group's rows, fetched while this one is summed (rows of a shuffled
           epoch are scattered); for the last whole group, its own rows again. */
        const int64_t next = i + 8 <= count ? i + 4 : i;
        const uint8_t *const n[4] = {base + (int64_t)rows[next] * d, base + (int64_t)rows[next + 1] * d,
                                     base + (int64_t)rows[next + 2] * d, base + (int64_t)rows[next + 3] * d};
        dot_group(p, n, d, digits, stride, out + i);
    }
    if (i < count) {
        /* The last rows, padded to a group by repeating the last one; the padding's sums are dropped. */
        const uint8_t *p[4];
        for (int r = 0; r < 4; r++) p[r] = base + (int64_t)rows[i + r < count ? i + r : count - 1] * d;
        int64_t sums[4];
        dot_group(p, p, d, digits, stride, sums);
        for (int r = 0; i + r < count; r++) out[i + r] = sums[r];
    }
}

/* Rows of one pass over the accumulator: 64 rows stay in the first-level cache
   across the chunks of features. */
enum { SWEEP_ROWS = 64 };

static void FLIPSIDE_VNNI accumulate_vnni(const uint8_t *base, int64_t d, const int32_t *rows, int64_t count,
                                          const int8_t *digits, int64_t stride, int32_t *planes) {
    const int64_t chunks = (d + 63) / 64, plane = 64 * chunks, last = count - 1;
    if (count <= 0) memset(planes, 0, (size_t)(4 * plane) * sizeof(int32_t));
    /* The first sweep starts the sums from zero; later ones add to them. */
    for (int64_t start = 0; start < count; start += SWEEP_ROWS) {
        const int64_t end = count - start < SWEEP_ROWS ? count : start + SWEEP_ROWS;
        for (int64_t c = 0; c < chunks; c++) {
            const int64_t k = 64 * c;
            const __mmask64 m = chunk_mask(d, k);
            const int whole = k + 64 <= d;
            __m512i acc[4][4];
            for (int t = 0; t < 4; t++)
                for (int l = 0; l < 4; l++)
                    acc[t][l] = start == 0 ? _mm512_setzero_si512() : _mm512_loadu_si512(planes + l * plane + k + 16 * t);
            for (int64_t i = start; i < end; i += 4) {
                /* A group past the last row repeats it, with digits zero (the caller zeroes them past count). */
                const uint8_t *p0 = base + (int64_t)rows[i] * d + k;
                const uint8_t *p1 = base + (int64_t)rows[i + 1 <= last ? i + 1 : last] * d + k;
                const uint8_t *p2 = base + (int64_t)rows[i + 2 <= last ? i + 2 : last] * d + k;
                const uint8_t *p3 = base + (int64_t)rows[i + 3 <= last ? i + 3 : last] * d + k;
                const __m512i x0 = load_chunk(p0, whole, m), x1 = load_chunk(p1, whole, m);
                const __m512i x2 = load_chunk(p2, whole, m), x3 = load_chunk(p3, whole, m);
                const __m512i lo01 = _mm512_unpacklo_epi8(x0, x1), hi01 = _mm512_unpackhi_epi8(x0, x1);
                const __m512i lo23 = _mm512_unpacklo_epi8(x2, x3), hi23 = _mm512_unpackhi_epi8(x2, x3);
                const __m512i v[4] = {_mm512_unpacklo_epi16(lo01, lo23), _mm512_unpackhi_epi16(lo01, lo23),
                                      _mm512_unpacklo_epi16(hi01, hi23), _mm512_unpackhi_epi16(hi01, hi23)};
                for (int l = 0; l < 4; l++) {
                    int32_t four;
                    memcpy(&four, digits + l * stride + i, sizeof four);
                    const __m512i r = _mm512_set1_epi32(four);
                    for (int t = 0; t < 4; t++) acc[t][l] = _mm512_dpbusd_epi32(acc[t][l], v[t], r);
                }
            }
            for (int t = 0; t < 4; t++)
                for (int l = 0; l < 4; l++) _mm512_storeu_si512(planes + l * plane + k + 16 * t, acc[t][l]);
        }
    }
}

/* The exact sums of slots 4L ..< 4L + 4 of the 16 at p, the planes combined in
   double: every partial sum is an integer below 2^53, so each step is exact,
   and the result is the 64-bit combination's. */
static inline __m256d FLIPSIDE_VNNI slot_sums4(const int32_t *p, int64_t plane, int L) {
    const __m256d radix = _mm256_set1_pd(256);
    __m256d s = _mm256_cvtepi32_pd(_mm_loadu_si128((const void *)(p + 3 * plane + 4 * L)));
    s = _mm256_fmadd_pd(s, radix, _mm256_cvtepi32_pd(_mm_loadu_si128((const void *)(p + 2 * plane + 4 * L))));
    s = _mm256_fmadd_pd(s, radix, _mm256_cvtepi32_pd(_mm_loadu_si128((const void *)(p + plane + 4 * L))));
    return _mm256_fmadd_pd(s, radix, _mm256_cvtepi32_pd(_mm_loadu_si128((const void *)(p + 4 * L))));
}

/* Slots 4L ..< 4L + 4 of the 16 at planes + k + 16t hold features k + 16L + 4t + 0..3.
   S · scale is exact (a power of two, far from the limits), so each total or float
   is rounded once. */
static void FLIPSIDE_VNNI add_sums_vnni(const int32_t *planes, int64_t d, double scale, double *total, float *floats) {
    const int64_t plane = flipside_fixed_stride(d), whole = d / 64 * 64;
    const __m256d factor = _mm256_set1_pd(scale);
    for (int64_t k = 0; k < whole; k += 64) {
        for (int t = 0; t < 4; t++) {
            for (int L = 0; L < 4; L++) {
                const __m256d s = slot_sums4(planes + k + 16 * t, plane, L);
                const int64_t j = k + 16 * L + 4 * t;
                if (total) {
                    _mm256_storeu_pd(total + j, _mm256_fmadd_pd(s, factor, _mm256_loadu_pd(total + j)));
                } else {
                    _mm_storeu_ps(floats + j, _mm_add_ps(_mm_loadu_ps(floats + j), _mm256_cvtpd_ps(_mm256_mul_pd(s, factor))));
                }
            }
        }
    }
    add_sums_range(planes, whole, d, 1, scale, total, floats);
}
#endif

void flipside_fixed_dot(int kernel, const uint8_t *base, int64_t d, const int32_t *rows, int64_t count,
                        const int8_t *digits, int64_t stride, int64_t *out) {
#if defined(__x86_64__)
    if (kernel > 0) { dot_vnni(base, d, rows, count, digits, stride, out); return; }
#endif
    dot_portable(base, d, rows, count, digits, stride, out);
}

int64_t flipside_fixed_accumulator_bytes(int64_t d) {
    /* Four planes of 32-bit sums, one per digit. */
    return 4 * flipside_fixed_stride(d) * (int64_t)sizeof(int32_t);
}

void flipside_fixed_accumulate(int kernel, const uint8_t *base, int64_t d, const int32_t *rows, int64_t count,
                               const int8_t *digits, int64_t stride, void *accumulator) {
#if defined(__x86_64__)
    if (kernel > 0) { accumulate_vnni(base, d, rows, count, digits, stride, accumulator); return; }
#endif
    accumulate_portable(base, d, rows, count, digits, stride, accumulator);
}

void flipside_fixed_add_sums(int kernel, const void *accumulator, int64_t d, int exponent, double *total, float *floats) {
    const double scale = ldexp(1.0, exponent);
#if defined(__x86_64__)
    if (kernel > 0) { add_sums_vnni(accumulator, d, scale, total, floats); return; }
#endif
    add_sums_range(accumulator, 0, d, 0, scale, total, floats);
}
