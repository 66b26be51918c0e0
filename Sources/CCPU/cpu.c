#include "flipside_cpu.h"
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

int flipside_cpu_has_avx2_fma(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int flipside_cpu_has_avx512(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

int flipside_cpu_is_amd(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_is("amd");
#else
    return 0;
#endif
}

void flipside_cpu_brand(char out[49]) {
    out[0] = 0;
#if defined(__x86_64__)
    unsigned int regs[12], top = __get_cpuid_max(0x80000000u, 0);
    if (top < 0x80000004u) return;
    for (unsigned int leaf = 0; leaf < 3; leaf++)
        __get_cpuid(0x80000002u + leaf, &regs[4 * leaf], &regs[4 * leaf + 1], &regs[4 * leaf + 2], &regs[4 * leaf + 3]);
    char text[49];
    memcpy(text, regs, 48);
    text[48] = 0;
    const char *start = text;
    while (*start == ' ') start++;
    size_t n = strlen(start);
    while (n > 0 && start[n - 1] == ' ') n--;
    memcpy(out, start, n);
    out[n] = 0;
#endif
}
