// SPDX-License-Identifier: MIT
// End to end: a multilingual text model paired with a CLIP model of the same embedding size ranks the stored rows
// through the search path the app uses (SearchEngine, query syntax, query cache). The rows are the reference text
// features of tests/data/multilingual/tiny-st-multilingual (made by the upstream sentence-transformers forward, see
// that folder's README), so a query typed in any language must find its own row with a cosine of 1. Texts in ASCII
// go to CLIP's own tower under TextTowerChoice::Auto.
#include "core/clip/model/clipmodel.h"
#include "core/clip/model/modelconfig.h"
#include "core/encode/bertclipencoder.h"
#include "core/encode/clipencoder.h"
#include "core/search/searchengine.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace clipfind;

namespace {

QString fixture(const QString &relative)
{
    return QStringLiteral(CLIPFIND_TEST_DATA "/multilingual/") + relative;
}

// A small random CLIP with embeddings of `embedDim` values: 32 is the multilingual fixture's (a ViT-B/32 has 512,
// as the real multilingual model's Dense layer).
std::unique_ptr<ClipEncoder> tinyClip(int embedDim, QString *error)
{
    clip::ModelConfig config;
    config.embedDim = embedDim;
    config.visionWidth = 64;
    config.visionLayers = 1;
    config.visionHeads = 2;
    config.textWidth = 32;
    config.textLayers = 1;
    config.textHeads = 2;
    clip::LoadOptions options;
    options.device = clip::DeviceChoice::Cpu;
    clip::LoadResult loaded = clip::ClipModel::createRandom(config, options);
    if (!loaded.model) {
        *error = QString::fromStdString(loaded.error);
        return nullptr;
    }
    return ClipEncoder::fromModel(std::move(loaded.model), QStringLiteral("tiny-random-%1").arg(embedDim), error);
}

double cosine(const float *a, const float *b, int dim)
{
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < dim; ++i) {
        ab += double(a[i]) * b[i];
        aa += double(a[i]) * a[i];
        bb += double(b[i]) * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

} // namespace

class MultilingualSearchTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    std::unique_ptr<ClipEncoder> m_encoder;
    std::unique_ptr<SearchEngine> m_engine;
    QStringList m_texts; // the query of each row
    QStringList m_paths;
    std::vector<float> m_rows;
    int m_dim = 0;

    QString pathOf(const QString &text) const { return m_paths.at(m_texts.indexOf(text)); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        QString error;
        m_encoder = tinyClip(32, &error);
        QVERIFY2(m_encoder, qPrintable(error));
        clip::LoadOptions options;
        options.device = clip::DeviceChoice::Cpu;
        auto multilingual = BertClipEncoder::load(fixture(QStringLiteral("tiny-st-multilingual")), options, &error);
        QVERIFY2(multilingual, qPrintable(error));
        QVERIFY2(m_encoder->setMultilingualText(std::move(multilingual), TextTowerChoice::Auto, &error),
                 qPrintable(error));
        QVERIFY(m_encoder->hasMultilingualText());

        QFile file(fixture(QStringLiteral("tiny-st-multilingual/expected.json")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject expected = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonArray texts = expected.value(QStringLiteral("texts")).toArray();
        const QJsonArray features = expected.value(QStringLiteral("text_features")).toArray();
        QCOMPARE(features.size(), texts.size());
        m_dim = features.at(0).toArray().size();
        QCOMPARE(m_dim, 32);
        for (int i = 0; i < texts.size(); ++i) {
            const QString text = texts.at(i).toString();
            // The empty text and the 100-word one are no queries one types.
            if (text.trimmed().isEmpty() || text.size() > 200) {
                continue;
            }
            m_texts << text;
            m_paths << m_root.filePath(QStringLiteral("photo%1.jpg").arg(i));
            for (const QJsonValue &value : features.at(i).toArray()) {
                m_rows.push_back(float(value.toDouble()));
            }
        }
        QVERIFY(m_texts.size() >= 8);
        SearchEngine::Options engineOptions;
        engineOptions.matrix.precision = clip::RowPrecision::Float32;
        m_engine = SearchEngine::open(m_encoder.get(), QString(), m_root.path(), engineOptions, &error);
        QVERIFY2(m_engine, qPrintable(error));
        m_engine->upsertRows(m_paths, m_rows, m_dim);
        QCOMPARE(m_engine->rowCount(), qint64(m_texts.size()));
    }

    // Every query outside ASCII goes to the multilingual tower and finds its own reference row first, cosine 1.
    void queriesInOtherLanguagesFindTheirRow()
    {
        int checked = 0;
        for (const QString &text : std::as_const(m_texts)) {
            if (!usesMultilingualTower(TextTowerChoice::Auto, text)) {
                continue;
            }
            const SearchResults results = m_engine->search(text, {});
            QVERIFY2(results.error.isEmpty(), qPrintable(results.error));
            QVERIFY(!results.hits.empty());
            QCOMPARE(results.hits.front().path, pathOf(text));
            QVERIFY2(results.hits.front().score > 0.9999f, qPrintable(QString::number(results.hits.front().score)));
            ++checked;
        }
        QVERIFY(checked >= 6); // Chinese, German with nothing but ASCII aside, French, Japanese, Korean, emoji
    }

    // ASCII text goes to CLIP's own tower: the scores are the CLIP text features' cosines with the rows.
    void englishGoesToClip()
    {
        const QString text = QStringLiteral("a photo of a cat");
        QVERIFY(m_texts.contains(text));
        const SearchResults results = m_engine->search(text, {});
        QVERIFY2(results.error.isEmpty(), qPrintable(results.error));
        QCOMPARE(int(results.hits.size()), m_texts.size());
        QString error;
        auto plain = tinyClipFeatures(text, &error);
        QVERIFY2(!plain.empty(), qPrintable(error));
        for (const SearchHit &hit : results.hits) {
            const int row = m_paths.indexOf(hit.path);
            const double expected = cosine(plain.data(), m_rows.data() + size_t(row) * m_dim, m_dim);
            QVERIFY2(std::abs(hit.score - expected) < 1e-4, qPrintable(hit.path));
        }
        QVERIFY(results.hits.front().score < 0.999f); // not the multilingual tower's own row
    }

    // Query arithmetic works across towers: each term is encoded by its own tower.
    void termsCombineAcrossTowers()
    {
        const QString chinese = QStringLiteral("一只猫在沙发上");
        const QString korean = QStringLiteral("한국어 텍스트");
        const SearchResults results = m_engine->search(chinese + QStringLiteral(" + ") + korean, {});
        QVERIFY2(results.error.isEmpty(), qPrintable(results.error));
        QVERIFY(results.hits.size() >= 2);
        const QStringList topTwo{results.hits[0].path, results.hits[1].path};
        QVERIFY(topTwo.contains(pathOf(chinese)));
        QVERIFY(topTwo.contains(pathOf(korean)));
    }

    void aTextModelOfAnotherSizeIsRefused()
    {
        QString error;
        auto other = tinyClip(48, &error);
        QVERIFY2(other, qPrintable(error));
        auto multilingual = BertClipEncoder::load(fixture(QStringLiteral("tiny-st-multilingual")), {}, &error);
        QVERIFY(multilingual);
        QVERIFY(!other->setMultilingualText(std::move(multilingual), TextTowerChoice::Auto, &error));
        QVERIFY2(error.contains(QLatin1String("32")) && error.contains(QLatin1String("48")), qPrintable(error));
        QVERIFY(!other->hasMultilingualText());
    }

private:
    // CLIP's own text features of `text` from the same CLIP model (the multilingual tower switched off by choice).
    std::vector<float> tinyClipFeatures(const QString &text, QString *error)
    {
        const QString key = m_encoder->textCacheKey(text);
        if (!key.startsWith(QLatin1String("clip:"))) {
            *error = QStringLiteral("routed to %1").arg(key);
            return {};
        }
        const EmbeddingRows rows = m_encoder->encodeTexts({text});
        if (!rows.error.isEmpty()) {
            *error = rows.error;
            return {};
        }
        return rows.values;
    }
};

QTEST_GUILESS_MAIN(MultilingualSearchTest)
#include "multilingualsearchtest.moc"
