// SPDX-License-Identifier: MIT
// BertClipModel against the reference forwards of tests/data/multilingual (see its README): a tiny random-weight
// sentence-transformers clip-ViT-B-32-multilingual-v1 (DistilBERT, mean pooling, Dense) and a tiny Hugging Face
// ChineseCLIPModel (BERT text tower, ViT image tower), from the reference token ids and pixels; broken folders.
#include "fixturedata.h"

#include "core/clip/bench/bertbench.h"
#include "core/clip/model/bertclipmodel.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

using namespace clipfind;
using namespace clipfind::clip;
using namespace clipfind::test;

namespace {

constexpr double kTolerance = 1e-4; // max |ours - ref| <= 1e-4 * max |ref| per row (fixture README)

QString fixture(const QString &relative)
{
    return dataPath(QStringLiteral("multilingual/") + relative);
}

std::vector<std::vector<int64_t>> tokenRows(const QJsonArray &rows)
{
    std::vector<std::vector<int64_t>> out;
    for (const QJsonValue &row : rows) {
        std::vector<int64_t> ids;
        for (const QJsonValue &id : row.toArray()) {
            ids.push_back(id.toInteger());
        }
        out.push_back(std::move(ids));
    }
    return out;
}

LoadOptions cpuOptions(Kernels kernels)
{
    LoadOptions options;
    options.device = DeviceChoice::Cpu;
    options.precision = Precision::Float32;
    options.kernels = kernels;
    return options;
}

// Copies a folder tree (read-only fixture files become writable copies).
bool copyTree(const QString &from, const QString &to, const QStringList &skip = {})
{
    QDir().mkpath(to);
    const QDir source(from);
    for (const QFileInfo &entry : source.entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (skip.contains(entry.fileName())) {
            continue;
        }
        const QString target = to + QLatin1Char('/') + entry.fileName();
        if (entry.isDir()) {
            if (!copyTree(entry.filePath(), target)) {
                return false;
            }
        } else if (!QFile::copy(entry.filePath(), target)
                   || !QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner)) {
            return false;
        }
    }
    return true;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// Rewrites a safetensors file's JSON header with `edit` (the data section stays; `extraData` is appended to it).
bool editSafetensors(const QString &path, const std::function<void(QJsonObject &, qint64 dataSize)> &edit,
                     const QByteArray &extraData = {})
{
    const QByteArray bytes = readAll(path);
    if (bytes.size() < 8) {
        return false;
    }
    quint64 headerSize = 0;
    for (int i = 7; i >= 0; --i) {
        headerSize = (headerSize << 8) | quint8(bytes[i]);
    }
    QJsonObject header = QJsonDocument::fromJson(bytes.mid(8, qsizetype(headerSize))).object();
    const QByteArray data = bytes.mid(8 + qsizetype(headerSize));
    edit(header, data.size());
    const QByteArray newHeader = QJsonDocument(header).toJson(QJsonDocument::Compact);
    QByteArray out(8, '\0');
    for (int i = 0; i < 8; ++i) {
        out[i] = char((quint64(newHeader.size()) >> (8 * i)) & 0xFF);
    }
    return writeAll(path, out + newHeader + data + extraData);
}

void renameTensor(QJsonObject &header, const QString &from, const QString &to)
{
    const QJsonValue value = header.take(from);
    header.insert(to, value);
}

} // namespace

class BertClipModelTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // Loads `folder` and expects a one-line error containing every part of `parts`.
    void expectLoadError(const QString &folder, const QStringList &parts)
    {
        const BertClipLoadResult result = BertClipModel::load(folder.toStdString(), cpuOptions(Kernels::Auto));
        QVERIFY(!result.model);
        const QString error = QString::fromStdString(result.error);
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
        for (const QString &part : parts) {
            QVERIFY2(error.contains(part), qPrintable(QStringLiteral("'%1' not in: %2").arg(part, error)));
        }
    }

    QString copyOf(const QString &fixtureName, const QString &copyName, const QStringList &skip = {})
    {
        const QString target = m_dir.filePath(copyName);
        if (!copyTree(fixture(fixtureName), target, skip)) {
            return {};
        }
        return target;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void sentenceTransformersTextFeatures_data()
    {
        QTest::addColumn<int>("kernels");
        QTest::addRow("fast") << int(Kernels::Fast);
        QTest::addRow("reference") << int(Kernels::Reference);
    }

    // One text at a time (as sentence-transformers encodes a query) and all texts as one padded batch.
    void sentenceTransformersTextFeatures()
    {
        QFETCH(int, kernels);
        const BertClipLoadResult loaded = BertClipModel::load(
            fixture(QStringLiteral("tiny-st-multilingual")).toStdString(), cpuOptions(Kernels(kernels)));
        QVERIFY2(loaded.model, loaded.error.c_str());
        BertClipModel &model = *loaded.model;
        QCOMPARE(model.kind(), BertClipKind::SentenceTransformers);
        QCOMPARE(model.kindName(), std::string("sentence-transformers"));
        QCOMPARE(model.embeddingDim(), 32);
        QCOMPARE(model.vocabularySize(), 3053);
        QCOMPARE(model.maxTextLength(), 512);
        QVERIFY(!model.hasImageTower());
        QVERIFY(!model.encodeImages(nullptr, 1).ok());

        const QJsonObject expected = readJsonObject(fixture(QStringLiteral("tiny-st-multilingual/expected.json")));
        const auto tokens = tokenRows(expected.value(QStringLiteral("token_ids")).toArray());
        const auto reference = matrix(expected.value(QStringLiteral("text_features")).toArray());
        QCOMPARE(tokens.size(), size_t(12));
        QCOMPARE(reference.size(), tokens.size());

        double worstSingle = 0;
        for (size_t i = 0; i < tokens.size(); ++i) {
            const Features f = model.encodeTexts({tokens[i]});
            QVERIFY2(f.ok(), f.error.c_str());
            QCOMPARE(f.dim, 32);
            worstSingle = std::max(worstSingle, relativeRowError(f.row(0), reference[i]));
        }
        const Features batch = model.encodeTexts(tokens);
        QVERIFY2(batch.ok(), batch.error.c_str());
        const double worstBatch = worstRelativeError(batch.values.data(), batch.rows, batch.dim, reference);
        qInfo("tiny-st-multilingual text features: worst relative row error %.3g one by one, %.3g as a padded batch",
              worstSingle, worstBatch);
        QVERIFY2(worstSingle <= kTolerance, qPrintable(QString::number(worstSingle)));
        QVERIFY2(worstBatch >= 0 && worstBatch <= kTolerance, qPrintable(QString::number(worstBatch)));
    }

    void chineseClipFeatures_data() { sentenceTransformersTextFeatures_data(); }

    void chineseClipFeatures()
    {
        QFETCH(int, kernels);
        const BertClipLoadResult loaded = BertClipModel::load(
            fixture(QStringLiteral("tiny-chinese-clip")).toStdString(), cpuOptions(Kernels(kernels)));
        QVERIFY2(loaded.model, loaded.error.c_str());
        BertClipModel &model = *loaded.model;
        QCOMPARE(model.kind(), BertClipKind::ChineseClip);
        QCOMPARE(model.embeddingDim(), 32);
        QVERIFY(model.hasImageTower());
        QCOMPARE(model.imageHeight(), 224);
        QCOMPARE(model.imageWidth(), 224);
        QCOMPARE(model.imageConfig().height, 224);
        QCOMPARE(model.imageConfig().std[1], 0.26130258f);

        const QJsonObject expected = readJsonObject(fixture(QStringLiteral("tiny-chinese-clip/expected.json")));
        const auto padded = tokenRows(expected.value(QStringLiteral("token_ids")).toArray());
        const auto textReference = matrix(expected.value(QStringLiteral("text_features")).toArray());
        QCOMPARE(padded.size(), size_t(12));
        QCOMPARE(padded[0].size(), size_t(52));

        // As get_text_features saw them (padded to 52, masked), and unpadded one at a time (only the real tokens).
        const Features batch = model.encodeTexts(padded);
        QVERIFY2(batch.ok(), batch.error.c_str());
        const double worstPadded = worstRelativeError(batch.values.data(), batch.rows, batch.dim, textReference);
        double worstSingle = 0;
        for (size_t i = 0; i < padded.size(); ++i) {
            std::vector<int64_t> row = padded[i];
            while (row.back() == 0) {
                row.pop_back();
            }
            const Features f = model.encodeTexts({row});
            QVERIFY2(f.ok(), f.error.c_str());
            worstSingle = std::max(worstSingle, relativeRowError(f.row(0), textReference[i]));
        }

        QStringList npys;
        for (const QJsonValue &path : expected.value(QStringLiteral("preprocessed")).toArray()) {
            npys << fixture(path.toString());
        }
        QCOMPARE(npys.size(), 4);
        std::vector<float> pixels;
        for (const QString &npy : npys) {
            NpyArray array;
            std::string error;
            QVERIFY2(readNpy(npy.toStdString(), &array, &error), error.c_str());
            QCOMPARE(array.shape, std::vector<int64_t>({3, 224, 224}));
            pixels.insert(pixels.end(), array.values.begin(), array.values.end());
        }
        const auto imageReference = matrix(expected.value(QStringLiteral("image_features")).toArray());
        const Features images = model.encodeImages(pixels.data(), 4);
        QVERIFY2(images.ok(), images.error.c_str());
        const double worstImage = worstRelativeError(images.values.data(), images.rows, images.dim, imageReference);

        qInfo("tiny-chinese-clip: worst relative row error text %.3g padded, %.3g unpadded; images %.3g", worstPadded,
              worstSingle, worstImage);
        QVERIFY2(worstPadded >= 0 && worstPadded <= kTolerance, qPrintable(QString::number(worstPadded)));
        QVERIFY2(worstSingle <= kTolerance, qPrintable(QString::number(worstSingle)));
        QVERIFY2(worstImage >= 0 && worstImage <= kTolerance, qPrintable(QString::number(worstImage)));
    }

    // Low precision on the CPU: bfloat16 weights and activations, LayerNorm in float32 (the fixture README's bar for
    // half precision is a cosine of at least 0.999 with the reference rows).
    void bfloat16OnTheCpu()
    {
        LoadOptions options = cpuOptions(Kernels::Auto);
        options.precision = Precision::BFloat16;
        for (const char *name : {"tiny-st-multilingual", "tiny-chinese-clip"}) {
            const BertClipLoadResult loaded = BertClipModel::load(fixture(QLatin1String(name)).toStdString(), options);
            QVERIFY2(loaded.model, loaded.error.c_str());
            QCOMPARE(loaded.model->precisionName(), std::string("bfloat16"));
            const QJsonObject expected =
                readJsonObject(fixture(QLatin1String(name) + QStringLiteral("/expected.json")));
            const auto tokens = tokenRows(expected.value(QStringLiteral("token_ids")).toArray());
            const Features text = loaded.model->encodeTexts(tokens);
            QVERIFY2(text.ok(), text.error.c_str());
            const double textCosine = worstCosine(text.values.data(), text.rows, text.dim,
                                                  matrix(expected.value(QStringLiteral("text_features")).toArray()));
            double imageCosine = 1;
            if (loaded.model->hasImageTower()) {
                std::vector<float> pixels;
                for (const QJsonValue &path : expected.value(QStringLiteral("preprocessed")).toArray()) {
                    NpyArray array;
                    std::string error;
                    QVERIFY2(readNpy(fixture(path.toString()).toStdString(), &array, &error), error.c_str());
                    pixels.insert(pixels.end(), array.values.begin(), array.values.end());
                }
                const Features images = loaded.model->encodeImages(pixels.data(), 4);
                QVERIFY2(images.ok(), images.error.c_str());
                imageCosine = worstCosine(images.values.data(), images.rows, images.dim,
                                          matrix(expected.value(QStringLiteral("image_features")).toArray()));
            }
            qInfo("%s bfloat16: worst cosine text %.6f, images %.6f", name, textCosine, imageCosine);
            QVERIFY(textCosine >= 0.999);
            QVERIFY(imageCosine >= 0.999);
        }
    }

    // A Transformer saved from a task model (a "distilbert." prefix) with an int64 position_ids buffer loads the same.
    void prefixedCheckpointWithBuffers()
    {
        const QString folder = copyOf(QStringLiteral("tiny-st-multilingual"), QStringLiteral("prefixed"));
        QVERIFY(!folder.isEmpty());
        QVERIFY(editSafetensors(
            folder + QStringLiteral("/model.safetensors"),
            [](QJsonObject &header, qint64 dataSize) {
                for (const QString &key : header.keys()) {
                    if (key != QLatin1String("__metadata__")) {
                        renameTensor(header, key, QStringLiteral("distilbert.") + key);
                    }
                }
                header.insert(QStringLiteral("distilbert.embeddings.position_ids"),
                              QJsonObject{{QStringLiteral("dtype"), QStringLiteral("I64")},
                                          {QStringLiteral("shape"), QJsonArray{1, 512}},
                                          {QStringLiteral("data_offsets"), QJsonArray{dataSize, dataSize + 4096}}});
            },
            QByteArray(4096, '\0')));
        const BertClipLoadResult loaded = BertClipModel::load(folder.toStdString(), cpuOptions(Kernels::Auto));
        QVERIFY2(loaded.model, loaded.error.c_str());
        const QJsonObject expected = readJsonObject(fixture(QStringLiteral("tiny-st-multilingual/expected.json")));
        const auto tokens = tokenRows(expected.value(QStringLiteral("token_ids")).toArray());
        const auto reference = matrix(expected.value(QStringLiteral("text_features")).toArray());
        const Features f = loaded.model->encodeTexts({tokens[1]});
        QVERIFY2(f.ok(), f.error.c_str());
        QVERIFY(relativeRowError(f.row(0), reference[1]) <= kTolerance);
    }

    // The module chain, checked against the reference's intermediate values: without the Dense module the features
    // are the mean-pooled states ("pooled"); with CLS pooling the first row of the last hidden state; a Normalize
    // module divides by the norm.
    void sentenceTransformersModules()
    {
        const QJsonObject expected = readJsonObject(fixture(QStringLiteral("tiny-st-multilingual/expected.json")));
        const auto tokens = tokenRows(expected.value(QStringLiteral("token_ids")).toArray());
        const auto pooled = matrix(expected.value(QStringLiteral("pooled")).toArray());
        const auto hidden = matrix(expected.value(QStringLiteral("last_hidden_state_text0")).toArray());
        QCOMPARE(pooled.size(), tokens.size());
        QCOMPARE(hidden.size(), tokens[0].size());

        const QByteArray transformer =
            R"({"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"})";
        const QByteArray pooling =
            R"({"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"})";
        const QByteArray normalize =
            R"({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})";
        auto load = [&](const QString &name, const QByteArray &modules) -> std::unique_ptr<BertClipModel> {
            const QString folder = copyOf(QStringLiteral("tiny-st-multilingual"), name);
            if (folder.isEmpty() || !writeAll(folder + QStringLiteral("/modules.json"), modules)) {
                return nullptr;
            }
            if (name == QLatin1String("cls")) {
                writeAll(folder + QStringLiteral("/1_Pooling/config.json"),
                         R"({"word_embedding_dimension": 64, "pooling_mode_cls_token": true})");
            }
            BertClipLoadResult loaded = BertClipModel::load(folder.toStdString(), cpuOptions(Kernels::Auto));
            if (!loaded.model) {
                qWarning("%s", loaded.error.c_str());
            }
            return std::move(loaded.model);
        };

        const auto mean = load(QStringLiteral("mean"), "[" + transformer + "," + pooling + "]");
        QVERIFY(mean);
        QCOMPARE(mean->embeddingDim(), 64);
        const Features means = mean->encodeTexts(tokens);
        QVERIFY2(means.ok(), means.error.c_str());
        QVERIFY(worstRelativeError(means.values.data(), means.rows, means.dim, pooled) <= kTolerance);

        const auto cls = load(QStringLiteral("cls"), "[" + transformer + "," + pooling + "]");
        QVERIFY(cls);
        const Features first = cls->encodeTexts({tokens[0]});
        QVERIFY2(first.ok(), first.error.c_str());
        QVERIFY(relativeRowError(first.row(0), hidden[0]) <= kTolerance);

        const auto normalized =
            load(QStringLiteral("normalized"), "[" + transformer + "," + pooling + "," + normalize + "]");
        QVERIFY(normalized);
        const Features unit = normalized->encodeTexts({tokens[3]});
        QVERIFY2(unit.ok(), unit.error.c_str());
        double norm = 0;
        for (const double v : pooled[3]) {
            norm += v * v;
        }
        std::vector<double> expectedUnit;
        for (const double v : pooled[3]) {
            expectedUnit.push_back(v / std::sqrt(norm));
        }
        QVERIFY(relativeRowError(unit.row(0), expectedUnit) <= kTolerance);
    }

    void badTokenRows()
    {
        const BertClipLoadResult loaded =
            BertClipModel::load(fixture(QStringLiteral("tiny-chinese-clip")).toStdString(), cpuOptions(Kernels::Auto));
        QVERIFY2(loaded.model, loaded.error.c_str());
        BertClipModel &model = *loaded.model;
        QVERIFY(model.encodeTexts({}).ok());
        for (const std::vector<int64_t> &row :
             {std::vector<int64_t>{}, std::vector<int64_t>{0, 0}, std::vector<int64_t>{101, 3053, 102},
              std::vector<int64_t>{101, -1, 102}, std::vector<int64_t>(513, 101)}) {
            const Features f = model.encodeTexts({{101, 102}, row});
            QVERIFY(!f.ok());
            QVERIFY2(QString::fromStdString(f.error).startsWith(QLatin1String("text 1: ")), f.error.c_str());
        }
    }

    void brokenFolders()
    {
        // sentence-transformers
        expectLoadError(
            copyOf(QStringLiteral("tiny-st-multilingual"), QStringLiteral("no-dense"), {QStringLiteral("2_Dense")}),
            {QStringLiteral("2_Dense/config.json"), QStringLiteral("no such file")});

        QString folder = copyOf(QStringLiteral("tiny-st-multilingual"), QStringLiteral("cut-weights"));
        const QByteArray weights = readAll(folder + QStringLiteral("/model.safetensors"));
        QVERIFY(writeAll(folder + QStringLiteral("/model.safetensors"), weights.left(weights.size() / 2)));
        expectLoadError(folder, {QStringLiteral("cut-weights/model.safetensors: "), QStringLiteral("truncated")});

        folder = copyOf(QStringLiteral("tiny-st-multilingual"), QStringLiteral("misshaped-st"));
        QVERIFY(editSafetensors(folder + QStringLiteral("/model.safetensors"), [](QJsonObject &header, qint64) {
            QJsonObject t = header.value(QStringLiteral("transformer.layer.1.ffn.lin1.weight")).toObject();
            t.insert(QStringLiteral("shape"), QJsonArray{64, 128});
            header.insert(QStringLiteral("transformer.layer.1.ffn.lin1.weight"), t);
            renameTensor(header, QStringLiteral("embeddings.LayerNorm.bias"),
                         QStringLiteral("embeddings.LayerNorm.beta"));
        }));
        expectLoadError(folder, {QStringLiteral("misshaped-st/model.safetensors: "),
                                 QStringLiteral("1 missing tensor(s): embeddings.LayerNorm.bias"),
                                 QStringLiteral("1 mis-shaped tensor(s): transformer.layer.1.ffn.lin1.weight [64, 128] "
                                                "(expected [128, 64])")});

        folder = copyOf(QStringLiteral("tiny-st-multilingual"), QStringLiteral("dense-shape"));
        QVERIFY(writeAll(folder + QStringLiteral("/2_Dense/config.json"),
                         R"({"in_features": 64, "out_features": 16, "bias": false, )"
                         R"("activation_function": "torch.nn.modules.linear.Identity"})"));
        expectLoadError(folder, {QStringLiteral("2_Dense/model.safetensors: "),
                                 QStringLiteral("linear.weight [32, 64] (expected [16, 64])")});

        folder = copyOf(QStringLiteral("tiny-st-multilingual"), QStringLiteral("max-pooling"));
        QVERIFY(writeAll(folder + QStringLiteral("/1_Pooling/config.json"),
                         R"({"word_embedding_dimension": 64, "pooling_mode_max_tokens": true})"));
        expectLoadError(
            folder, {QStringLiteral("1_Pooling/config.json: "), QStringLiteral("pooling max_tokens is not supported")});

        folder = copyOf(QStringLiteral("tiny-st-multilingual"), QStringLiteral("no-weights"),
                        {QStringLiteral("model.safetensors")});
        expectLoadError(folder, {QStringLiteral("no model.safetensors")});

        // Chinese-CLIP
        folder = copyOf(QStringLiteral("tiny-chinese-clip"), QStringLiteral("misshaped-cn"));
        QVERIFY(editSafetensors(folder + QStringLiteral("/model.safetensors"), [](QJsonObject &header, qint64) {
            const QString key = QStringLiteral("text_model.encoder.layer.0.intermediate.dense.weight");
            QJsonObject t = header.value(key).toObject();
            t.insert(QStringLiteral("shape"), QJsonArray{32, 128});
            header.insert(key, t);
            header.remove(QStringLiteral("vision_model.encoder.layers.1.self_attn.k_proj.weight"));
            header.remove(QStringLiteral("visual_projection.weight"));
        }));
        expectLoadError(
            folder,
            {QStringLiteral("misshaped-cn/model.safetensors: "),
             QStringLiteral("text_model.encoder.layer.0.intermediate.dense.weight [32, 128] (expected [128, 32])"),
             QStringLiteral("2 missing tensor(s): vision_model.encoder.layers.1.self_attn.k_proj.weight, "
                            "visual_projection.weight")});

        expectLoadError(copyOf(QStringLiteral("tiny-chinese-clip"), QStringLiteral("no-preprocessor"),
                               {QStringLiteral("preprocessor_config.json")}),
                        {QStringLiteral("preprocessor_config.json: no such file")});

        folder = copyOf(QStringLiteral("tiny-chinese-clip"), QStringLiteral("other-size"));
        QByteArray prep = readAll(folder + QStringLiteral("/preprocessor_config.json"));
        prep.replace("\"height\": 224", "\"height\": 256");
        QVERIFY(writeAll(folder + QStringLiteral("/preprocessor_config.json"), prep));
        expectLoadError(folder, {QStringLiteral("size 256x224 differs from the image tower's 224x224")});

        folder = copyOf(QStringLiteral("tiny-chinese-clip"), QStringLiteral("bad-config"));
        QByteArray config = readAll(folder + QStringLiteral("/config.json"));
        config.replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5");
        QVERIFY(writeAll(folder + QStringLiteral("/config.json"), config));
        expectLoadError(folder, {QStringLiteral("bad-config/config.json: "), QStringLiteral("do not divide")});

        expectLoadError(
            copyOf(QStringLiteral("tiny-chinese-clip"), QStringLiteral("no-config"), {QStringLiteral("config.json")}),
            {QStringLiteral("config.json: no such file"), QStringLiteral("neither a sentence-transformers")});
        expectLoadError(m_dir.filePath(QStringLiteral("absent")), {QStringLiteral("no such folder")});
    }

    void randomArchitectures()
    {
        const BertClipLoadResult result = BertClipModel::createRandom("bert-huge", cpuOptions(Kernels::Auto));
        QVERIFY(!result.model);
        QCOMPARE(QString::fromStdString(result.error),
                 QStringLiteral("unknown architecture 'bert-huge' (mclip-distilbert, chinese-clip-b16)"));
    }

    void benchmarkRuns()
    {
        const BertClipLoadResult loaded =
            BertClipModel::load(fixture(QStringLiteral("tiny-chinese-clip")).toStdString(), cpuOptions(Kernels::Auto));
        QVERIFY2(loaded.model, loaded.error.c_str());
        BertBenchOptions options;
        options.secondsPerCase = 0;
        options.imageBatches = {2};
        const BenchResult result = runBertBenchmark(*loaded.model, "tiny-chinese-clip", options);
        QCOMPARE(result.textMs.size(), size_t(2));
        QCOMPARE(result.imagesPerSecond.size(), size_t(1));
        QVERIFY(result.textMs[0].second > 0 && result.imagesPerSecond[0].second > 0);
        QVERIFY(QString::fromStdString(formatBenchTable(result)).contains(QLatin1String("tiny-chinese-clip")));
    }
};

QTEST_GUILESS_MAIN(BertClipModelTest)
#include "bertclipmodeltest.moc"
