// SPDX-License-Identifier: MIT
// Per-thread CPU thread counts: a search thread can drop to one thread without changing the indexer's threads or
// the default new threads start from.
#include "core/clip/model/threading.h"

#include <QtTest>

#include <thread>

using namespace clipfind;

class ThreadingTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eachThreadKeepsItsOwnCount()
    {
        const int mainBefore = clip::cpuThreadsForThisThread();
        int seenOne = 0;
        int seenThree = 0;
        std::thread one([&] {
            clip::setCpuThreadsForThisThread(1);
            seenOne = clip::cpuThreadsForThisThread();
        });
        one.join();
        std::thread three([&] {
            clip::setCpuThreadsForThisThread(3);
            seenThree = clip::cpuThreadsForThisThread();
        });
        three.join();
        QCOMPARE(seenOne, 1);
        QCOMPARE(seenThree, 3);
        QCOMPARE(clip::cpuThreadsForThisThread(), mainBefore);
        // A thread started afterwards gets the process default, not what the others chose.
        int fresh = 0;
        std::thread later([&] { fresh = clip::cpuThreadsForThisThread(); });
        later.join();
        QCOMPARE(fresh, mainBefore);
        // 0 means one per core.
        int reset = 0;
        std::thread back([&] {
            clip::setCpuThreadsForThisThread(1);
            clip::setCpuThreadsForThisThread(0);
            reset = clip::cpuThreadsForThisThread();
        });
        back.join();
        QCOMPARE(reset, std::max(1, int(std::thread::hardware_concurrency())));
    }
};

QTEST_GUILESS_MAIN(ThreadingTest)
#include "threadingtest.moc"
