/*
 * Exact integer products of uint8 feature rows with fixed-point vectors.
 *
 * A vector v of floats is held as integers q_j = round(v_j / 2^e), |q_j| < 2^30,
 * for an exponent e chosen from max |v_j|. Products of uint8 rows with such a
 * vector are then sums of integers: exact, the same whatever the order of the
 * additions, so the vector kernel (AVX-512 VNNI: 64 byte products per
 * instruction, no widening of the pixels) and the portable one return the same
 * integers on any machine.
 *
 * Both keep q as four signed 8-bit digits in base 256
 * (q = d0 + 256·d1 + 65536·d2 + 2^24·d3, each digit in -128..127).
 */
#ifndef FLIPSIDE_FIXED_POINT_H
#define FLIPSIDE_FIXED_POINT_H
#include <stdint.h>

/* Which kernel computes: 1 for AVX-512 VNNI where the processor has it, else
   0, the portable one. FLIPSIDE_FIXED_KERNEL=portable in the environment
   chooses the portable one anyway, FLIPSIDE_FIXED_KERNEL=float returns -1:
   the caller computes in float instead. Asks each time: callers keep the answer. */
int flipside_fixed_best_kernel(void);
const char *flipside_fixed_kernel_name(int kernel);

/* Elements a fixed vector of n entries holds in each of its four digit planes
   (n rounded up to 64). */
int64_t flipside_fixed_stride(int64_t n);

/* Writes the digits of q_i = round(v_i · 2^-exponent) (ties to even), i < n,
   to digits[l·stride + i], l = 0..3. The caller chooses the exponent so that
   every |q_i| < 2^30, and zeroes the planes past n. */
void flipside_fixed_split(int kernel, const float *v, int64_t n, int exponent, int8_t *digits, int64_t stride);

/* out[i] = Σ_j x[rows[i]][j] · q_j, exactly, for rows of d uint8 features
   (d at most 65536) and the fixed vector (digits) of d entries. */
void flipside_fixed_dot(int kernel, const uint8_t *base, int64_t d, const int32_t *rows, int64_t count,
                        const int8_t *digits, int64_t stride, int64_t *out);

/* Bytes of an accumulator for rows of d features. */
int64_t flipside_fixed_accumulator_bytes(int64_t d);

/* Zeroes the accumulator, then adds Σ_i q_i · x[rows[i]] for the fixed vector
   (digits) of count entries (one per row, count at most 65536). */
void flipside_fixed_accumulate(int kernel, const uint8_t *base, int64_t d, const int32_t *rows, int64_t count,
                               const int8_t *digits, int64_t stride, void *accumulator);

/* total[j] += S_j · 2^exponent for j < d, S_j the accumulator's exact integer
   sum for feature j: S_j is exact as a double for up to 32768 rows (below 2^53),
   its scaling too, so the addition is the only rounding. With total NULL,
   floats[j] += (float)(S_j · 2^exponent) instead. */
void flipside_fixed_add_sums(int kernel, const void *accumulator, int64_t d, int exponent, double *total, float *floats);

#endif
