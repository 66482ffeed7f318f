// SPDX-License-Identifier: MIT
// clipfind-cli tokenize --model DIR and embed --model DIR on the multilingual fixtures (tests/data/multilingual, made
// with Hugging Face's tokenizers and forwards written from the upstream PyTorch code; see that folder's README): the
// ids of every tokenizer case, the text features of the sentence-transformers and Chinese-CLIP models, the
// Chinese-CLIP image features from the image files, and one-line errors for broken folders.
#include "clirunner.h"
#include "testfiles.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace clipfind::test;

namespace {

QString fixture(const QString &relative)
{
    return QStringLiteral(CLIPFIND_TEST_DATA "/multilingual/") + relative;
}

QJsonObject readObject(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object();
}

// The README's tolerance: max |ours - ref| <= 1e-4 * max |ref|, per row. Returns an empty string when it holds.
QString compareRows(const QJsonArray &ours, const QJsonArray &reference)
{
    if (ours.size() != reference.size()) {
        return QStringLiteral("%1 rows, expected %2").arg(ours.size()).arg(reference.size());
    }
    for (int r = 0; r < reference.size(); ++r) {
        const QJsonArray a = ours.at(r).toArray();
        const QJsonArray b = reference.at(r).toArray();
        if (a.size() != b.size() || b.isEmpty()) {
            return QStringLiteral("row %1: %2 values, expected %3").arg(r).arg(a.size()).arg(b.size());
        }
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < b.size(); ++i) {
            maxRef = std::max(maxRef, std::abs(b.at(i).toDouble()));
            maxDiff = std::max(maxDiff, std::abs(a.at(i).toDouble() - b.at(i).toDouble()));
        }
        if (!(maxDiff <= 1e-4 * maxRef)) {
            return QStringLiteral("row %1: max diff %2 over 1e-4 x %3").arg(r).arg(maxDiff).arg(maxRef);
        }
    }
    return {};
}

} // namespace

class MultilingualCliTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Every case of both tokenizer configurations, through the model folder that uses it: the unpadded ids.
    void tokenizerCases_data()
    {
        QTest::addColumn<QString>("cases");
        QTest::addColumn<QString>("model");
        QTest::newRow("multilingual cased")
            << QStringLiteral("tokenizer/multilingual_cased.json") << QStringLiteral("tiny-st-multilingual");
        QTest::newRow("chinese-clip") << QStringLiteral("tokenizer/chinese_clip.json")
                                      << QStringLiteral("tiny-chinese-clip");
    }

    void tokenizerCases()
    {
        QFETCH(QString, cases);
        QFETCH(QString, model);
        const QJsonArray all = readObject(fixture(cases)).value(QStringLiteral("cases")).toArray();
        QVERIFY(all.size() >= 70);
        QStringList texts;
        QList<QJsonArray> expected;
        for (const QJsonValue &value : all) {
            const QJsonObject row = value.toObject();
            const QString text = row.value(QStringLiteral("text")).toString();
            // A command line cannot carry U+0000 (the library test tokenizes those cases in memory).
            if (text.contains(QChar(0))) {
                continue;
            }
            texts << text;
            const QJsonArray padded = row.value(QStringLiteral("ids")).toArray();
            QJsonArray unpadded;
            for (int i = 0; i < row.value(QStringLiteral("length")).toInt() && i < padded.size(); ++i) {
                unpadded.append(padded.at(i));
            }
            expected << unpadded;
        }
        QVERIFY(texts.size() >= all.size() - 2);
        const CliRun run = runCli(
            QStringList{QStringLiteral("tokenize"), QStringLiteral("--model"), fixture(model), QStringLiteral("--")}
            + texts);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonArray ids = QJsonDocument::fromJson(run.out).object().value(QStringLiteral("ids")).toArray();
        QCOMPARE(ids.size(), texts.size());
        for (int i = 0; i < texts.size(); ++i) {
            QVERIFY2(ids.at(i).toArray() == expected.at(i), qPrintable(texts.at(i)));
        }
    }

    void textFeatures_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("sentence-transformers") << QStringLiteral("tiny-st-multilingual");
        QTest::newRow("chinese-clip") << QStringLiteral("tiny-chinese-clip");
    }

    void textFeatures()
    {
        QFETCH(QString, model);
        const QJsonObject expected = readObject(fixture(model + QStringLiteral("/expected.json")));
        const QJsonArray texts = expected.value(QStringLiteral("texts")).toArray();
        QVERIFY(texts.size() >= 3);
        QStringList arguments{QStringLiteral("embed"), QStringLiteral("--model"), fixture(model),
                              QStringLiteral("--device"), QStringLiteral("cpu")};
        for (const QJsonValue &text : texts) {
            arguments << QStringLiteral("--text") << text.toString();
        }
        const CliRun run = runCli(arguments);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject out = QJsonDocument::fromJson(run.out).object();
        const QString problem = compareRows(out.value(QStringLiteral("text_features")).toArray(),
                                            expected.value(QStringLiteral("text_features")).toArray());
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(out.value(QStringLiteral("image_features")).toArray().isEmpty());
    }

    // From the image files (ClipFind's decoder and Chinese-CLIP's own resize without crop), not the reference pixels.
    void chineseClipImageFeatures()
    {
        const QJsonObject expected = readObject(fixture(QStringLiteral("tiny-chinese-clip/expected.json")));
        const QJsonArray images = expected.value(QStringLiteral("images")).toArray();
        QCOMPARE(images.size(), 4);
        QStringList arguments{QStringLiteral("embed"), QStringLiteral("--model"),
                              fixture(QStringLiteral("tiny-chinese-clip")), QStringLiteral("--device"),
                              QStringLiteral("cpu")};
        for (const QJsonValue &image : images) {
            // Relative to tests/data/multilingual: "../images/x.jpg" is the CLIP fixtures' tests/data/images/x.jpg.
            arguments << QStringLiteral("--image") << fixture(image.toString());
        }
        const CliRun run = runCli(arguments);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QString problem =
            compareRows(QJsonDocument::fromJson(run.out).object().value(QStringLiteral("image_features")).toArray(),
                        expected.value(QStringLiteral("image_features")).toArray());
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void textModelHasNoImageTower()
    {
        const CliRun run =
            runCli({QStringLiteral("embed"), QStringLiteral("--model"), fixture(QStringLiteral("tiny-st-multilingual")),
                    QStringLiteral("--image"), QStringLiteral(CLIPFIND_TEST_DATA "/images/small_120x90.png")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("no image tower"), run.err.constData());
        QCOMPARE(run.err.trimmed().count('\n'), 0);
    }

    // A folder missing its weights, or with a tokenizer but nothing else: one line naming the problem, exit 1.
    void brokenFolders()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString source = fixture(QStringLiteral("tiny-st-multilingual"));
        const QString broken = dir.filePath(QStringLiteral("no-weights"));
        QVERIFY(QDir().mkpath(broken + QStringLiteral("/1_Pooling"))
                && QDir().mkpath(broken + QStringLiteral("/2_Dense")));
        for (const QString &file :
             {QStringLiteral("modules.json"), QStringLiteral("config.json"),
              QStringLiteral("sentence_bert_config.json"), QStringLiteral("tokenizer.json"),
              QStringLiteral("tokenizer_config.json"), QStringLiteral("vocab.txt"),
              QStringLiteral("special_tokens_map.json"), QStringLiteral("1_Pooling/config.json"),
              QStringLiteral("2_Dense/config.json"), QStringLiteral("2_Dense/model.safetensors")}) {
            QVERIFY(QFile::copy(source + QLatin1Char('/') + file, broken + QLatin1Char('/') + file));
        }
        CliRun run = runCli({QStringLiteral("embed"), QStringLiteral("--model"), broken, QStringLiteral("--text"),
                             QStringLiteral("海边的日落")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("model.safetensors"), run.err.constData());
        QCOMPARE(run.err.trimmed().count('\n'), 0);

        // The tokenizer alone still tokenizes; without a vocabulary it fails in one line.
        run = runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), broken, QStringLiteral("海边")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(QFile::remove(broken + QStringLiteral("/vocab.txt"))
                && QFile::remove(broken + QStringLiteral("/tokenizer.json")));
        run = runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), broken, QStringLiteral("海边")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(!run.err.trimmed().isEmpty(), run.err.constData());
        QCOMPARE(run.err.trimmed().count('\n'), 0);
    }
};

QTEST_GUILESS_MAIN(MultilingualCliTest)
#include "multilingualclitest.moc"
