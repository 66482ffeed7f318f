// SPDX-License-Identifier: MIT
#pragma once

// ThreadSanitizer annotations for hand-offs it cannot see. Debian's Qt, libgomp and libtorch are not instrumented:
// when work goes to a pool thread (QThreadPool::start), comes back through a queued call, is waited for
// (QThreadPool::waitForDone), or is spread over OpenMP's threads (at::parallel_for), the synchronization happens
// inside those libraries, and TSan reports what the receiving thread reads of the sender's writes as a race. The
// sender calls release(token) as the last thing before it hands over, the receiver acquire(token) first thing when
// it has the work: TSan then orders everything the sender did before the release before everything the receiver does
// after the acquire, and nothing else. Any address works as a token; TSan merges every release of one token, so a
// token is for one direction of one kind of hand-off (core/threads/pooltasks.h for Qt, model/torchparallel.h for
// OpenMP). Without TSan both are empty. Plain C++, so the engine uses it too.

#if defined(__SANITIZE_THREAD__)
#define CLIPFIND_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CLIPFIND_TSAN 1
#endif
#endif

#ifdef CLIPFIND_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace clipfind::handoff {

/// Everything this thread did so far happens before whatever a later acquire(token) is followed by.
inline void release(const void *token)
{
#ifdef CLIPFIND_TSAN
    __tsan_release(const_cast<void *>(token));
#else
    (void)token;
#endif
}

/// What other threads did before their release(token) calls happens before what this thread does next.
inline void acquire(const void *token)
{
#ifdef CLIPFIND_TSAN
    __tsan_acquire(const_cast<void *>(token));
#else
    (void)token;
#endif
}

} // namespace clipfind::handoff
