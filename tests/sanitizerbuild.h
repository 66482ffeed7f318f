// SPDX-License-Identifier: MIT
#pragma once

// Whether the tests run in an AddressSanitizer build (CLIPFIND_SANITIZE=address,..., or the fuzz build): the memory a
// process holds is larger there (shadow memory, freed blocks in quarantine) and code runs slower, so bounds on
// measured memory and time get slack. GCC defines __SANITIZE_ADDRESS__, clang has the feature test.
#if defined(__SANITIZE_ADDRESS__)
#define CLIPFIND_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CLIPFIND_TEST_ASAN 1
#endif
#endif

// The same for ThreadSanitizer (CLIPFIND_SANITIZE=thread): its shadow memory makes the resident set of a process two to
// three times what the code itself holds (hostilefiles.h measures the heap instead there).
#if defined(__SANITIZE_THREAD__)
#define CLIPFIND_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CLIPFIND_TEST_TSAN 1
#endif
#endif

namespace clipfind::test {

/// Factor for time bounds: ASan + UBSan run ClipFind's code 2-3 times slower, ThreadSanitizer 5-15 times, on a
/// machine shared with other jobs. A linear-time check keeps its point: the quadratic versions took minutes at these
/// sizes.
#if defined(CLIPFIND_TEST_ASAN)
inline constexpr int kSanitizerSlowdown = 4;
#elif defined(CLIPFIND_TEST_TSAN)
inline constexpr int kSanitizerSlowdown = 8;
#else
inline constexpr int kSanitizerSlowdown = 1;
#endif

} // namespace clipfind::test
