// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/handoff.h"

#include <ATen/Parallel.h>

#include <cstdint>

namespace clipfind::clip {

/// at::parallel_for(begin, end, grain, body) with its fork and join visible to ThreadSanitizer. Debian's libgomp is
/// not instrumented, so TSan cannot see that OpenMP's threads start after the caller prepared the data and that the
/// caller goes on after they are done: it reported every access of `body` to the caller's tensors, and checking each
/// against all the addresses it had reported made the tests that run the model take hours. Here what the caller did
/// before happens before each call of `body`, and each call before the return; calls on different threads are not
/// ordered with each other, so races between them are still reported.
template<typename Body>
void torchParallelFor(int64_t begin, int64_t end, int64_t grain, const Body &body)
{
    // The tokens are this object's address and the byte after it: a thread names them by its `this`, without
    // reading anything the caller wrote, so nothing is read before the acquire.
    struct Annotated {
        const Body &body;
        void operator()(int64_t first, int64_t last) const
        {
            handoff::acquire(this);
            body(first, last);
            handoff::release(reinterpret_cast<const char *>(this) + 1);
        }
    };
    const Annotated annotated{body};
    handoff::release(&annotated);
    at::parallel_for(begin, end, grain, annotated);
    handoff::acquire(reinterpret_cast<const char *>(&annotated) + 1);
}

} // namespace clipfind::clip
