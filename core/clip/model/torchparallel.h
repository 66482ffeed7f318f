// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/handoff.h"

#include <ATen/Parallel.h>

#include <cstdint>

namespace clipfind::clip {

namespace detail {
using RangeFunction = void (*)(const void *context, int64_t first, int64_t last);
/// at::parallel_for calling function(context, first, last). Its file is compiled without ThreadSanitizer
/// (core/clip/CMakeLists.txt): the OpenMP region ATen inlines here reads the caller's frame on OpenMP's threads
/// before any code of ours runs there, which TSan cannot order and would report on every call.
void parallelForRanges(int64_t begin, int64_t end, int64_t grain, RangeFunction function, const void *context);
} // namespace detail

/// at::parallel_for(begin, end, grain, body) with its fork and join visible to ThreadSanitizer. Debian's libgomp is
/// not instrumented, so TSan cannot see that OpenMP's threads start after the caller prepared the data and that the
/// caller goes on after they are done: it reported every access of `body` to the caller's tensors (dropped by
/// race:libgomp.so, along with any real race on those threads), and checking each against all the addresses it had
/// reported made the tests that run the model take hours. Here what the caller did before happens before each call
/// of `body`, and each call before the return; calls on different threads are not ordered with each other, so races
/// between them are reported.
template<typename Body>
void torchParallelFor(int64_t begin, int64_t end, int64_t grain, const Body &body)
{
    // The tokens are the body's address and the byte after it, which each thread gets as an argument: nothing the
    // caller wrote is read before the acquire.
    const detail::RangeFunction call = [](const void *context, int64_t first, int64_t last) {
        handoff::acquire(context);
        (*static_cast<const Body *>(context))(first, last);
        handoff::release(static_cast<const char *>(context) + 1);
    };
    handoff::release(&body);
    detail::parallelForRanges(begin, end, grain, call, &body);
    handoff::acquire(reinterpret_cast<const char *>(&body) + 1);
}

} // namespace clipfind::clip
