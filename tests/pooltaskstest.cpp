// SPDX-License-Identifier: MIT
// core/threads/pooltasks.h: parallelFor does each index once, on the pool's free threads and the caller (all on the
// caller when the pool is busy); runOnPool's future carries the result, and one cancelled before its task starts
// skips the call; postToThreadOf runs on the receiver's thread; waitForPool waits for the tasks or times out.
#include "core/threads/pooltasks.h"

#include <QSet>
#include <QThread>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

using namespace clipfind;

namespace {

constexpr int kTimeoutMs = 30000;

// Holds one pool thread until opened, so the test controls how many are free.
class Gate
{
public:
    explicit Gate(QThreadPool &pool)
    {
        startOnPool(pool, [this] {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_inside = true;
            m_changed.notify_all();
            m_changed.wait(lock, [this] { return m_open; });
        });
        std::unique_lock<std::mutex> lock(m_mutex);
        m_changed.wait(lock, [this] { return m_inside; });
    }
    ~Gate() { open(); }
    void open()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_open = true;
        m_changed.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_inside = false;
    bool m_open = false;
};

} // namespace

class PoolTasksTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parallelForDoesEachIndexOnce()
    {
        QThreadPool pool;
        pool.setMaxThreadCount(3);
        constexpr int kCount = 1000;
        std::vector<std::atomic<int>> calls(kCount);
        parallelFor(pool, kCount, [&](qsizetype i) { ++calls[size_t(i)]; });
        for (int i = 0; i < kCount; ++i) {
            QCOMPARE(calls[size_t(i)].load(), 1);
        }
        int none = 0;
        parallelFor(pool, 0, [&none](qsizetype) { ++none; });
        QCOMPARE(none, 0);
    }

    void parallelForRunsItemsAtOnce()
    {
        // Two items wait for each other: they finish only if two threads run them at the same time.
        QThreadPool pool;
        pool.setMaxThreadCount(1); // one pool thread and the caller
        std::mutex mutex;
        std::condition_variable arrived;
        int inside = 0;
        bool bothInside = true;
        parallelFor(pool, 2, [&](qsizetype) {
            std::unique_lock<std::mutex> lock(mutex);
            ++inside;
            arrived.notify_all();
            if (!arrived.wait_for(lock, std::chrono::milliseconds(kTimeoutMs), [&] { return inside == 2; })) {
                bothInside = false;
            }
        });
        QVERIFY(bothInside);
    }

    void parallelForUsesTheCallerWhenThePoolIsBusy()
    {
        QThreadPool pool;
        pool.setMaxThreadCount(1);
        Gate gate(pool); // the pool's only thread is taken: blockingMap's behaviour is to do the work here
        std::mutex mutex;
        QSet<Qt::HANDLE> threads;
        parallelFor(pool, 20, [&](qsizetype) {
            std::lock_guard<std::mutex> lock(mutex);
            threads.insert(QThread::currentThreadId());
        });
        QCOMPARE(threads, QSet<Qt::HANDLE>{QThread::currentThreadId()});
        gate.open();
        QVERIFY(waitForPool(pool, kTimeoutMs));
    }

    void runOnPoolGivesTheResult()
    {
        QThreadPool pool;
        const Qt::HANDLE caller = QThread::currentThreadId();
        QFuture<std::vector<int>> future = runOnPool(pool, [caller] {
            return std::vector<int>{QThread::currentThreadId() != caller ? 1 : 0, 2, 3};
        });
        QCOMPARE(future.result(), (std::vector<int>{1, 2, 3})); // there once reported, before the task finishes
        future.waitForFinished();
        QCOMPARE(future.resultCount(), 1);
    }

    void aFutureCancelledBeforeItsTaskStartsSkipsIt()
    {
        QThreadPool pool;
        pool.setMaxThreadCount(1);
        std::atomic_bool ran{false};
        QFuture<int> future;
        {
            Gate gate(pool);
            future = runOnPool(pool, [&ran] {
                ran = true;
                return 1;
            });
            future.cancel();
        }
        QVERIFY(waitForPool(pool, kTimeoutMs));
        QVERIFY(!ran);
        QVERIFY(future.isCanceled());
        QVERIFY(future.isFinished());
        QCOMPARE(future.resultCount(), 0);
    }

    void postToThreadOfRunsOnTheReceiversThread()
    {
        QThreadPool pool;
        QObject receiver;
        std::vector<int> delivered;
        Qt::HANDLE deliveredOn = nullptr;
        startOnPool(pool, [&receiver, &delivered, &deliveredOn] {
            std::vector<int> made{4, 5, 6}; // written on the pool thread, read on the receiver's
            postToThreadOf(&receiver, [made, &delivered, &deliveredOn] {
                delivered = made;
                deliveredOn = QThread::currentThreadId();
            });
        });
        QTRY_VERIFY_WITH_TIMEOUT(!delivered.empty(), kTimeoutMs);
        QCOMPARE(delivered, (std::vector<int>{4, 5, 6}));
        QCOMPARE(deliveredOn, QThread::currentThreadId());
        QVERIFY(waitForPool(pool, kTimeoutMs));
    }

    void waitForPoolWaitsForTheTasksOrTimesOut()
    {
        QThreadPool pool;
        int result = 0; // read after waitForPool without a lock: the wait orders it
        std::optional<Gate> gate;
        gate.emplace(pool);
        startOnPool(pool, [&result] { result = 42; });
        QVERIFY(!waitForPool(pool, 50));
        gate.reset();
        QVERIFY(waitForPool(pool, kTimeoutMs));
        QCOMPARE(result, 42);
    }
};

QTEST_GUILESS_MAIN(PoolTasksTest)
#include "pooltaskstest.moc"
