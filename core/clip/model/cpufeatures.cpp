// SPDX-License-Identifier: MIT
#include "core/clip/model/cpufeatures.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace clipfind::clip {

namespace {

bool detect()
{
    if (const char *setting = std::getenv("CLIPFIND_NATIVE_BF16"); setting && std::strcmp(setting, "0") == 0) {
        return false;
    }
#if defined(__x86_64__) || defined(__i386__)
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) { // OSXSAVE: xgetbv is usable
        return false;
    }
    unsigned xcr0Low = 0, xcr0High = 0;
    __asm__ volatile("xgetbv" : "=a"(xcr0Low), "=d"(xcr0High) : "c"(0));
    const unsigned avx512State = (1u << 1) | (1u << 2) | (1u << 5) | (1u << 6) | (1u << 7); // SSE, AVX, opmask, ZMM
    if ((xcr0Low & avx512State) != avx512State) {
        return false;
    }
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        return false;
    }
    const unsigned maxSubleaf = eax;
    const bool amxBf16 = (edx & (1u << 22)) != 0;
    const bool avx512f = (ebx & (1u << 16)) != 0;
    bool avx512Bf16 = false;
    if (maxSubleaf >= 1 && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) {
        avx512Bf16 = (eax & (1u << 5)) != 0;
    }
    return avx512f && (avx512Bf16 || amxBf16);
#else
    return false;
#endif
}

} // namespace

bool cpuHasNativeBFloat16()
{
    static const bool native = detect();
    return native;
}

} // namespace clipfind::clip
