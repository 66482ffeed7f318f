// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/handoff.h"

#include <QFuture>
#include <QMetaObject>
#include <QObject>
#include <QPromise>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace clipfind {

// ClipFind's ways of handing work to another thread through Qt. Each does what the Qt call it replaces does, and
// makes the hand-off visible to ThreadSanitizer (core/clip/handoff.h), which cannot see inside Debian's
// uninstrumented Qt. QtConcurrent's templates are not used: its kernels touch their own state in our (instrumented)
// code after the last hand-off we could annotate, so its bookkeeping would be reported as racing.

/// QThreadPool::start(task): what the caller did before happens before the task runs.
void startOnPool(QThreadPool &pool, std::function<void()> task);

/// QThreadPool::waitForDone(timeoutMs): when it returns true, everything the tasks startOnPool() ran on `pool` did
/// happens before what the caller does next. -1: no timeout.
bool waitForPool(QThreadPool &pool, int timeoutMs = -1);

/// Calls work(i) for every i in [0, count) on `pool` and the calling thread, like QtConcurrent::blockingMap: up to
/// maxThreadCount() of the pool's threads that are free now, plus the caller, take the next index until none is left;
/// returns when every call is done. What the caller did before happens before each call, and each call before the
/// return; calls on different threads are not ordered with each other (TSan still sees races between them).
void parallelFor(QThreadPool &pool, qsizetype count, const std::function<void(qsizetype)> &work);

/// QtConcurrent::run(&pool, function) with the promise: `function(QPromise<Result> &)` reports its results and
/// progress; the future finishes when it returns. A future cancelled before the task starts skips the call.
template<typename Result, typename Function>
QFuture<Result> runOnPoolWithPromise(QThreadPool &pool, Function function)
{
    // std::function needs a copyable task; the promise is shared with the one task that uses it.
    auto promise = std::make_shared<QPromise<Result>>();
    QFuture<Result> future = promise->future();
    promise->start();
    startOnPool(pool, [promise, function = std::move(function)]() mutable {
        if (!promise->isCanceled()) {
            function(*promise);
        }
        promise->finish();
    });
    return future;
}

/// QtConcurrent::run(&pool, function): the future's result is what `function()` returns.
template<typename Function>
auto runOnPool(QThreadPool &pool, Function function) -> QFuture<std::invoke_result_t<Function &>>
{
    using Result = std::invoke_result_t<Function &>;
    return runOnPoolWithPromise<Result>(
        pool, [function = std::move(function)](QPromise<Result> &promise) mutable { promise.addResult(function()); });
}

namespace handoff {
/// The token of every queued call made with postToThreadOf().
inline char queuedCalls;

/// The function of one queued call. Each construction ends with the release, so the copy Qt keeps is complete when
/// the receiving thread acquires; the acquire comes before the function runs, and the call's end before the copy's
/// destruction.
template<typename Function>
class QueuedCall
{
public:
    explicit QueuedCall(Function function)
        : m_function(std::move(function))
    {
        release(&queuedCalls);
    }
    QueuedCall(const QueuedCall &other)
        : m_function(other.m_function)
    {
        release(&queuedCalls);
    }
    QueuedCall(QueuedCall &&other) noexcept(std::is_nothrow_move_constructible_v<Function>)
        : m_function(std::move(other.m_function))
    {
        release(&queuedCalls);
    }
    QueuedCall &operator=(const QueuedCall &) = delete;
    QueuedCall &operator=(QueuedCall &&) = delete;
    // Qt's slot object holds this copy and is freed by whichever thread drops it last, the sender's or the
    // receiver's (a reference count inside Qt): what the call read of the captures happens before the free.
    ~QueuedCall() { acquire(this); }

    void operator()()
    {
        acquire(&queuedCalls);
        m_function();
        release(this);
    }

private:
    Function m_function;
};
} // namespace handoff

/// QMetaObject::invokeMethod(receiver, function, Qt::QueuedConnection): `function` runs on the receiver's thread, and
/// what the caller did before happens before it.
template<typename Function>
void postToThreadOf(QObject *receiver, Function function)
{
    QMetaObject::invokeMethod(receiver, handoff::QueuedCall<Function>(std::move(function)), Qt::QueuedConnection);
}

/// For the destructor of an object that receives postToThreadOf() calls: the calls still queued are destroyed (not
/// run) on its thread after it; what their senders did happens before.
inline void acceptDroppedQueuedCalls()
{
    handoff::acquire(&handoff::queuedCalls);
}

} // namespace clipfind
