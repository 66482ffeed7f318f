// SPDX-License-Identifier: MIT
// The app searches while it indexes, with one model: text queries on a search thread while the indexer encodes
// images on its inference thread. Both must give exactly what they give alone.
#include "fixturedata.h"

#include "core/encode/clipencoder.h"
#include "core/index/indexer.h"
#include "core/store/librarydatabase.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <thread>

using namespace clipfind;
using namespace clipfind::test;

class EncoderConcurrencyTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textQueriesDuringIndexing()
    {
        ClipEncoder::Settings settings;
        settings.load.device = clip::DeviceChoice::Cpu;
        QString error;
        auto encoder = ClipEncoder::load(dataPath(QStringLiteral("tiny-openai/model.pt")), settings, &error);
        QVERIFY2(encoder, qPrintable(error));
        const ExpectedModel expected = readExpected(QStringLiteral("tiny-openai"));
        QVERIFY(!expected.texts.isEmpty());

        // Alone first: the text rows, and an index of the fixture photos.
        const EmbeddingRows alone = encoder->encodeTexts(expected.texts);
        QVERIFY2(alone.error.isEmpty(), qPrintable(alone.error));
        QTemporaryDir dir;
        const QString photos = dir.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(photos));
        const QStringList names = QDir(dataPath(QStringLiteral("images"))).entryList(QDir::Files);
        QVERIFY(names.size() >= 10);
        for (const QString &name : names) {
            QVERIFY(QFile::copy(dataPath(QStringLiteral("images/")) + name, photos + QLatin1Char('/') + name));
        }
        IndexOptions options;
        options.batchSize = 2;
        options.exactDecode = true;
        auto loneCache = LibraryDatabase::open(dir.filePath(QStringLiteral("alone.sqlite")), &error);
        QVERIFY2(loneCache, qPrintable(error));
        QVERIFY(indexFolder(photos, *encoder, *loneCache, nullptr, options).indexed > 0);

        // Together: the indexer on its threads, text queries in a loop on this one until it is done.
        auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("together.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        std::atomic_bool indexing{true};
        IndexReport report;
        std::thread indexer([&] {
            report = indexFolder(photos, *encoder, *cache, nullptr, options);
            indexing = false;
        });
        int queries = 0;
        bool allEqual = true;
        while (indexing.load() || queries < 3) {
            const EmbeddingRows rows = encoder->encodeTexts(expected.texts);
            allEqual = allEqual && rows.error.isEmpty() && rows.values == alone.values;
            ++queries;
        }
        indexer.join();
        QVERIFY2(allEqual, "a text query gave other features while images were encoded");
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));

        const QString root = QFileInfo(photos).canonicalFilePath();
        QStringList lonePaths, paths;
        std::vector<float> loneMatrix, matrix;
        int loneDim = 0, dim = 0;
        QVERIFY(loneCache->loadEmbeddings(root, encoder->sha256(), &lonePaths, &loneMatrix, &loneDim, &error));
        QVERIFY(cache->loadEmbeddings(root, encoder->sha256(), &paths, &matrix, &dim, &error));
        QCOMPARE(paths, lonePaths);
        QVERIFY(!paths.isEmpty());
        QVERIFY2(matrix == loneMatrix, "image features changed while text was encoded");
        qInfo("%d text queries ran during indexing", queries);
    }
};

QTEST_GUILESS_MAIN(EncoderConcurrencyTest)
#include "encoderconcurrencytest.moc"
