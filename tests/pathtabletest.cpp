// SPDX-License-Identifier: MIT
// PathTable against a plain vector of paths under random appends and swap-removals: every row's path, every path's
// row, absent paths, non-ASCII paths, and the buffer compacted when removals leave it mostly dead.
#include "core/search/pathtable.h"

#include <QtTest>

#include <random>

using namespace clipfind;

class PathTableTest : public QObject
{
    Q_OBJECT

private:
    static void compare(const PathTable &table, const std::vector<QString> &reference)
    {
        QCOMPARE(table.size(), int64_t(reference.size()));
        for (size_t row = 0; row < reference.size(); ++row) {
            QCOMPARE(table.path(int64_t(row)), reference[row]);
            QCOMPARE(table.find(reference[row]), int64_t(row));
        }
    }

private Q_SLOTS:
    void followsAReferenceThroughEdits()
    {
        std::mt19937 random(4);
        PathTable table;
        std::vector<QString> reference;
        QCOMPARE(table.find(QStringLiteral("/nothing")), int64_t(-1));
        int next = 0;
        for (int step = 0; step < 20000; ++step) {
            if (reference.empty() || random() % 3 != 0) {
                // Long shared prefixes, as photo paths have; some non-ASCII.
                const QString path = QStringLiteral("/home/user/Pictures/%1/%2 IMG_%3.jpg")
                                         .arg(next % 37)
                                         .arg(next % 5 == 0 ? QStringLiteral("Ålesund – été") : QStringLiteral("x"))
                                         .arg(next);
                ++next;
                QCOMPARE(table.append(path), int64_t(reference.size()));
                reference.push_back(path);
            } else {
                const size_t row = random() % reference.size();
                const QString removed = reference[row];
                table.removeSwapLast(int64_t(row));
                reference[row] = reference.back();
                reference.pop_back();
                QCOMPARE(table.find(removed), int64_t(-1));
            }
            if (step % 2500 == 0) {
                compare(table, reference);
            }
        }
        compare(table, reference);
        QCOMPARE(table.find(QStringLiteral("/home/user/Pictures/1/x IMG_999999.jpg")), int64_t(-1));
        table.removeSwapLast(-1); // out of range: nothing happens
        table.removeSwapLast(table.size());
        compare(table, reference);
    }

    void removingMostPathsCompactsTheBuffer()
    {
        PathTable table;
        for (int i = 0; i < 5000; ++i) {
            table.append(QStringLiteral("/photos/a/rather/long/folder/name/photo-%1.jpg").arg(i));
        }
        const int64_t full = table.memoryBytes();
        while (table.size() > 100) {
            table.removeSwapLast(0);
        }
        std::vector<QString> reference;
        for (int64_t row = 0; row < table.size(); ++row) {
            reference.push_back(table.path(row));
        }
        compare(table, reference);
        // The dead bytes are gone (the entries and index keep their capacity).
        table.append(QStringLiteral("/photos/new.jpg"));
        reference.push_back(QStringLiteral("/photos/new.jpg"));
        compare(table, reference);
        QVERIFY(table.memoryBytes() < full);
        table.clear();
        QCOMPARE(table.size(), int64_t(0));
        QCOMPARE(table.find(reference.front()), int64_t(-1));
    }
};

QTEST_GUILESS_MAIN(PathTableTest)
#include "pathtabletest.moc"
