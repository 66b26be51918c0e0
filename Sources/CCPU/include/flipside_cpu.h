#ifndef FLIPSIDE_CPU_H
#define FLIPSIDE_CPU_H

/* What the processor offers a BLAS kernel, as the operating system enables it
   (an AVX register state the kernel does not save counts as absent). On other
   architectures than x86-64 every answer is 0 and the brand is empty. */

/* AVX2 and FMA: what OpenBLAS's Haswell and Zen kernels use. */
int flipside_cpu_has_avx2_fma(void);

/* AVX-512 F, CD, BW, DQ and VL: the set of Skylake-X, which its kernels assume. */
int flipside_cpu_has_avx512(void);

/* 1 on an AMD processor. */
int flipside_cpu_is_amd(void);

/* The processor's brand string (CPUID leaves 0x80000002 to 0x80000004) without
   its padding, NUL-terminated in out; "" where the processor has none. */
void flipside_cpu_brand(char out[49]);

#endif
