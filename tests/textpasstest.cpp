// SPDX-License-Identifier: MIT
// The text tower runs only the tokens up to EOT. Because of the causal mask that must give the features of the
// full 77-token pass (within 1e-5 relative), whatever the batch mix of query lengths.
#include "fixturedata.h"

#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

class TextPassTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shortPassEqualsFullPass_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("modelPath");
        QTest::newRow("tiny-openai") << "tiny-openai" << dataPath(QStringLiteral("tiny-openai/model.pt"));
        QTest::newRow("tiny-hf") << "tiny-hf" << dataPath(QStringLiteral("tiny-hf"));
    }

    void shortPassEqualsFullPass()
    {
        QFETCH(QString, fixture);
        QFETCH(QString, modelPath);
        const ExpectedModel expected = readExpected(fixture);
        clip::LoadResult loaded = clip::ClipModel::load(modelPath.toStdString(), {clip::DeviceChoice::Cpu});
        QVERIFY2(loaded.model, loaded.error.c_str());
        clip::ClipModel &model = *loaded.model;

        const clip::Features full = model.encodeTexts(expected.tokens, clip::TextPass::Full);
        QVERIFY2(full.ok(), full.error.c_str());
        // The full pass is the reference computation itself.
        const double fullError = worstRelativeError(full.values.data(), full.rows, full.dim, expected.textFeatures);
        qInfo("%s full pass vs reference: %.3g", qPrintable(fixture), fullError);
        QVERIFY(fullError >= 0 && fullError <= 1e-4);

        // Batched short pass (length = the batch's latest EOT) and one query at a time (length = its own EOT).
        const clip::Features batched = model.encodeTexts(expected.tokens, clip::TextPass::UpToEot);
        QVERIFY2(batched.ok(), batched.error.c_str());
        double worst = 0;
        for (size_t i = 0; i < expected.tokens.size(); ++i) {
            const clip::Features single = model.encodeTexts({expected.tokens[i]}, clip::TextPass::UpToEot);
            QVERIFY2(single.ok(), single.error.c_str());
            const std::vector<double> fullRow(full.row(int64_t(i)), full.row(int64_t(i)) + full.dim);
            worst = std::max(worst, relativeRowError(single.row(0), fullRow));
            worst = std::max(worst, relativeRowError(batched.row(int64_t(i)), fullRow));
        }
        qInfo("%s short pass vs full pass: %.3g", qPrintable(fixture), worst);
        QVERIFY2(worst <= 1e-5, qPrintable(QString::number(worst)));
    }

    void rejectsBadTokenRows()
    {
        clip::LoadResult loaded = clip::ClipModel::load(dataPath(QStringLiteral("tiny-openai/model.pt")).toStdString(),
                                                        {clip::DeviceChoice::Cpu});
        QVERIFY2(loaded.model, loaded.error.c_str());
        const clip::Features tooLong = loaded.model->encodeTexts({std::vector<int64_t>(78, 1)});
        QVERIFY(!tooLong.ok());
        QVERIFY2(QString::fromStdString(tooLong.error).contains(QStringLiteral("needs 1 to 77 token ids")),
                 tooLong.error.c_str());
        const clip::Features badId = loaded.model->encodeTexts({{49406, 60000, 49407}});
        QVERIFY(!badId.ok());
        QVERIFY2(QString::fromStdString(badId.error).contains(QStringLiteral("outside the vocabulary")),
                 badId.error.c_str());
        QVERIFY(loaded.model->encodeTexts({}).ok());
    }
};

QTEST_GUILESS_MAIN(TextPassTest)
#include "textpasstest.moc"
