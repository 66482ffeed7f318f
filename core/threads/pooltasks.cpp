// SPDX-License-Identifier: MIT
#include "core/threads/pooltasks.h"

#include <QRunnable>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>

namespace clipfind {

namespace {

// A pool task whose start (and, with a done token, whose end) TSan sees. Its own address is the start token: the
// starter releases it once the task is fully built, run() acquires it before touching anything of it.
class HandOffTask : public QRunnable
{
public:
    HandOffTask(std::function<void()> task, const void *doneToken)
        : m_task(std::move(task))
        , m_doneToken(doneToken)
    {
    }

    void run() override
    {
        handoff::acquire(this);
        m_task();
        m_task = nullptr; // what the task captured dies before the release
        if (m_doneToken) {
            handoff::release(m_doneToken);
        }
    }

private:
    std::function<void()> m_task;
    const void *m_doneToken;
};

} // namespace

void startOnPool(QThreadPool &pool, std::function<void()> task)
{
    auto *runnable = new HandOffTask(std::move(task), &pool);
    handoff::release(runnable);
    pool.start(runnable);
}

bool waitForPool(QThreadPool &pool, int timeoutMs)
{
    if (!pool.waitForDone(timeoutMs)) {
        return false;
    }
    handoff::acquire(&pool);
    return true;
}

void parallelFor(QThreadPool &pool, qsizetype count, const std::function<void(qsizetype)> &work)
{
    // Relaxed: taking an index orders nothing; the items were published by the start of each task.
    std::atomic<qsizetype> next{0};
    const auto drain = [&next, count, &work] {
        for (qsizetype i = next.fetch_add(1, std::memory_order_relaxed); i < count;
             i = next.fetch_add(1, std::memory_order_relaxed)) {
            work(i);
        }
    };
    std::mutex mutex;
    std::condition_variable finished;
    int running = 0; // helpers started and not yet done
    const qsizetype helpers = std::min<qsizetype>(count - 1, pool.maxThreadCount());
    for (qsizetype h = 0; h < helpers; ++h) {
        auto *task = new HandOffTask(
            [&] {
                drain();
                // Notified under the lock: once `running` is 0 the caller may return and destroy all of this.
                std::lock_guard<std::mutex> lock(mutex);
                --running;
                finished.notify_all();
            },
            nullptr);
        {
            std::lock_guard<std::mutex> lock(mutex);
            ++running;
        }
        handoff::release(task);
        if (!pool.tryStart(task)) { // no idle thread: like blockingMap, the caller and the helpers so far share it
            delete task;
            std::lock_guard<std::mutex> lock(mutex);
            --running;
            break;
        }
    }
    drain();
    std::unique_lock<std::mutex> lock(mutex);
    finished.wait(lock, [&running] { return running == 0; });
}

} // namespace clipfind
