// SPDX-License-Identifier: MIT
// MemoryBudget (issue 11): the indexer's decodes in flight are bounded by their bytes.
#include "core/index/memorybudget.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

using namespace clipfind;

class MemoryBudgetTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reservationsAddUpAndGoBack()
    {
        MemoryBudget budget(100);
        {
            MemoryBudget::Reservation a;
            QVERIFY(budget.grow(&a, 30));
            QVERIFY(budget.grow(&a, 20));
            QCOMPARE(a.bytes(), qint64(50));
            MemoryBudget::Reservation b;
            QVERIFY(budget.grow(&b, 50));
            QCOMPARE(budget.inUse(), qint64(100));
            MemoryBudget::Reservation moved = std::move(b);
            QCOMPARE(b.bytes(), qint64(0));
            QCOMPARE(moved.bytes(), qint64(50));
            moved.release();
            QCOMPARE(budget.inUse(), qint64(50));
        }
        QCOMPARE(budget.inUse(), qint64(0));
        QCOMPARE(budget.peak(), qint64(100));
    }

    // More than the whole budget can never fit: refused at once, nothing taken.
    void tooLargeIsRefusedAtOnce()
    {
        MemoryBudget budget(100);
        MemoryBudget::Reservation r;
        QVERIFY(!budget.grow(&r, 101));
        QVERIFY(budget.grow(&r, 60));
        QVERIFY(!budget.grow(&r, 41)); // 60 + 41 > 100
        QCOMPARE(r.bytes(), qint64(60));
        QCOMPARE(budget.inUse(), qint64(60));
        QVERIFY(!budget.grow(&r, -1));
    }

    // A request that does not fit waits for a release, then goes ahead.
    void waitsForRoom()
    {
        MemoryBudget budget(100);
        auto held = std::make_unique<MemoryBudget::Reservation>();
        QVERIFY(budget.grow(held.get(), 80));
        std::atomic_bool granted{false};
        std::thread waiter([&] {
            MemoryBudget::Reservation r;
            budget.grow(&r, 50);
            granted = true;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        QVERIFY(!granted.load());
        QCOMPARE(budget.inUse(), qint64(80));
        held.reset();
        waiter.join();
        QVERIFY(granted.load());
        QCOMPARE(budget.inUse(), qint64(0));
        QCOMPARE(budget.peak(), qint64(80));
    }

    // Eight threads take random shares: the sum held never exceeds the capacity, and every request is served.
    void concurrentHoldersStayWithinCapacity()
    {
        constexpr qint64 kCapacity = 1000;
        MemoryBudget budget(kCapacity);
        std::atomic<qint64> held{0};
        std::atomic<qint64> maxSeen{0};
        std::atomic<int> served{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&, t] {
                std::mt19937 random(unsigned(t + 1));
                for (int i = 0; i < 200; ++i) {
                    const qint64 bytes = 1 + qint64(random() % 400);
                    MemoryBudget::Reservation r;
                    if (!budget.grow(&r, bytes)) {
                        return;
                    }
                    const qint64 now = held += bytes;
                    qint64 seen = maxSeen.load();
                    while (now > seen && !maxSeen.compare_exchange_weak(seen, now)) {}
                    std::this_thread::yield();
                    held -= bytes;
                    ++served;
                }
            });
        }
        for (std::thread &thread : threads) {
            thread.join();
        }
        QCOMPARE(served.load(), 8 * 200);
        QVERIFY2(maxSeen.load() <= kCapacity, qPrintable(QString::number(maxSeen.load())));
        QVERIFY(budget.peak() <= kCapacity);
        QCOMPARE(budget.inUse(), qint64(0));
    }
};

QTEST_GUILESS_MAIN(MemoryBudgetTest)
#include "memorybudgettest.moc"
