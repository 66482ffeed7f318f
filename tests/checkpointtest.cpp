// SPDX-License-Identifier: MIT
// Checkpoint loading and the forward pass against the reference fixtures: the OpenAI TorchScript archive, the
// Hugging Face folder, an open_clip safetensors file, and every kind of broken model file.
#include "fixturedata.h"
#include "testfiles.h"

#include "core/clip/model/clipmodel.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <torch/cuda.h>
#include <torch/script.h>

using namespace clipfind;
using namespace clipfind::test;

namespace {

QByteArray le64(quint64 n)
{
    QByteArray out;
    for (int i = 0; i < 8; ++i) {
        out += char((n >> (8 * i)) & 0xFF);
    }
    return out;
}

/// Writes float32 tensors as a safetensors file (the format is simple enough to write by hand here).
bool writeSafetensors(const QString &path, const std::vector<std::pair<std::string, torch::Tensor>> &tensors)
{
    QJsonObject header;
    QByteArray data;
    for (const auto &[name, tensor] : tensors) {
        const torch::Tensor t = tensor.to(torch::kFloat32).contiguous();
        QJsonArray shape;
        for (const int64_t s : t.sizes()) {
            shape.append(qint64(s));
        }
        const qint64 begin = data.size();
        data.append(static_cast<const char *>(t.data_ptr()), static_cast<qsizetype>(t.numel() * 4));
        header.insert(QString::fromStdString(name),
                      QJsonObject{{QStringLiteral("dtype"), QStringLiteral("F32")},
                                  {QStringLiteral("shape"), shape},
                                  {QStringLiteral("data_offsets"), QJsonArray{begin, qint64(data.size())}}});
    }
    const QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(le64(quint64(json.size())) + json + data) > 0;
}

/// The tiny OpenAI fixture's tensors under their OpenAI names, as stored (fp16 and fp32).
std::vector<std::pair<std::string, torch::Tensor>> tinyOpenAiTensors()
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    torch::jit::script::Module module =
        torch::jit::load(dataPath(QStringLiteral("tiny-openai/model.pt")).toStdString());
    for (const auto &p : module.named_parameters(true)) {
        out.emplace_back(p.name, p.value.detach());
    }
    return out;
}

QString loadError(const QString &path)
{
    const clip::LoadResult result = clip::ClipModel::load(path.toStdString());
    return result.model ? QString() : QString::fromStdString(result.error);
}

} // namespace

class CheckpointTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesReference_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("modelPath");
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("kernels");   // clip::Kernels
        QTest::addColumn<int>("precision"); // clip::Precision
        const QString pt = dataPath(QStringLiteral("tiny-openai/model.pt"));
        const QString hf = dataPath(QStringLiteral("tiny-hf"));
        const int reference = int(clip::Kernels::Reference);
        const int fast = int(clip::Kernels::Fast);
        const int fp32 = int(clip::Precision::Float32);
        const int bf16 = int(clip::Precision::BFloat16);
        QTest::newRow("openai .pt") << "tiny-openai" << pt << "openai-torchscript" << reference << fp32;
        QTest::newRow("openai .pt, fast kernels") << "tiny-openai" << pt << "openai-torchscript" << fast << fp32;
        QTest::newRow("openai .pt, bfloat16") << "tiny-openai" << pt << "openai-torchscript" << reference << bf16;
        QTest::newRow("hf folder") << "tiny-hf" << hf << "hf-safetensors" << reference << fp32;
        QTest::newRow("hf folder, fast kernels") << "tiny-hf" << hf << "hf-safetensors" << fast << fp32;
        QTest::newRow("hf folder, bfloat16") << "tiny-hf" << hf << "hf-safetensors" << reference << bf16;
        QTest::newRow("hf file") << "tiny-hf" << dataPath(QStringLiteral("tiny-hf/model.safetensors"))
                                 << "hf-safetensors" << reference << fp32;
    }

    void matchesReference()
    {
        QFETCH(QString, fixture);
        QFETCH(QString, modelPath);
        QFETCH(QString, format);
        QFETCH(int, kernels);
        QFETCH(int, precision);
        const ExpectedModel expected = readExpected(fixture);
        QVERIFY(!expected.tokens.empty());

        clip::LoadOptions options;
        options.device = clip::DeviceChoice::Cpu;
        options.kernels = clip::Kernels(kernels);
        options.precision = clip::Precision(precision);
        clip::LoadResult loaded = clip::ClipModel::load(modelPath.toStdString(), options);
        QVERIFY2(loaded.model, loaded.error.c_str());
        clip::ClipModel &model = *loaded.model;
        QCOMPARE(QString::fromStdString(model.format()), format);
        const bool fp32 = options.precision == clip::Precision::Float32;
        QCOMPARE(model.precisionName(), std::string(fp32 ? "float32" : "bfloat16"));

        // Hyper-parameters inferred from shapes (+ heads from config.json for HF) = the generator's config.
        const QJsonObject config = expected.json.value(QStringLiteral("config")).toObject();
        const clip::ModelConfig &c = model.config();
        QCOMPARE(c.embedDim, config.value(QStringLiteral("embed_dim")).toInteger());
        QCOMPARE(c.imageResolution, config.value(QStringLiteral("image_resolution")).toInteger());
        QCOMPARE(c.visionLayers, config.value(QStringLiteral("vision_layers")).toInteger());
        QCOMPARE(c.visionWidth, config.value(QStringLiteral("vision_width")).toInteger());
        QCOMPARE(c.visionPatchSize, config.value(QStringLiteral("vision_patch_size")).toInteger());
        QCOMPARE(c.contextLength, config.value(QStringLiteral("context_length")).toInteger());
        QCOMPARE(c.vocabSize, config.value(QStringLiteral("vocab_size")).toInteger());
        QCOMPARE(c.textWidth, config.value(QStringLiteral("transformer_width")).toInteger());
        QCOMPARE(c.textHeads, config.value(QStringLiteral("transformer_heads")).toInteger());
        QCOMPARE(c.textLayers, config.value(QStringLiteral("transformer_layers")).toInteger());
        if (config.contains(QStringLiteral("vision_heads"))) {
            QCOMPARE(c.visionHeads, config.value(QStringLiteral("vision_heads")).toInteger());
        }

        const clip::Features text = model.encodeTexts(expected.tokens);
        QVERIFY2(text.ok(), text.error.c_str());
        const std::vector<float> pixels = referencePixels(expected.imagePaths);
        QVERIFY(!pixels.empty());
        const clip::Features images = model.encodeImages(pixels.data(), expected.imagePaths.size());
        QVERIFY2(images.ok(), images.error.c_str());
        if (!fp32) {
            // The fixture README's bar for reduced precision: cosine >= 0.999 with each reference row.
            const double textCosine = worstCosine(text.values.data(), text.rows, text.dim, expected.textFeatures);
            const double imageCosine =
                worstCosine(images.values.data(), images.rows, images.dim, expected.imageFeatures);
            qInfo("%s bfloat16: worst cosine text %.6f, image %.6f", qPrintable(fixture), textCosine, imageCosine);
            QVERIFY(textCosine >= 0.999);
            QVERIFY(imageCosine >= 0.999);
            return;
        }
        const double textError = worstRelativeError(text.values.data(), text.rows, text.dim, expected.textFeatures);
        qInfo("%s text: worst max|diff|/max|ref| = %.3g over %lld rows", qPrintable(fixture), textError,
              static_cast<long long>(text.rows));
        QVERIFY(textError >= 0);
        QVERIFY2(textError <= 1e-4, qPrintable(QString::number(textError)));

        const double imageError =
            worstRelativeError(images.values.data(), images.rows, images.dim, expected.imageFeatures);
        qInfo("%s image: worst max|diff|/max|ref| = %.3g over %lld rows", qPrintable(fixture), imageError,
              static_cast<long long>(images.rows));
        QVERIFY(imageError >= 0);
        QVERIFY2(imageError <= 1e-4, qPrintable(QString::number(imageError)));
    }

    void openClipSafetensorsMatchesReference()
    {
        // open_clip's safetensors keep OpenAI's key names; rewrite the tiny OpenAI model that way.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("open_clip_model.safetensors"));
        QVERIFY(writeSafetensors(path, tinyOpenAiTensors()));
        clip::LoadResult loaded = clip::ClipModel::load(dir.path().toStdString(), {clip::DeviceChoice::Cpu});
        QVERIFY2(loaded.model, loaded.error.c_str());
        QCOMPARE(loaded.model->format(), std::string("open_clip-safetensors"));
        const ExpectedModel expected = readExpected(QStringLiteral("tiny-openai"));
        const clip::Features text = loaded.model->encodeTexts(expected.tokens);
        QVERIFY2(text.ok(), text.error.c_str());
        QVERIFY(worstRelativeError(text.values.data(), text.rows, text.dim, expected.textFeatures) <= 1e-4);
    }

    void rejectsBrokenFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QString>("expected");
        const QByteArray pt = readBytes(dataPath(QStringLiteral("tiny-openai/model.pt")));
        const QByteArray st = readBytes(dataPath(QStringLiteral("tiny-hf/model.safetensors")));
        QTest::newRow("empty") << QByteArray() << "model.pt"
                               << "file is empty";
        QTest::newRow("truncated .pt") << pt.left(pt.size() / 2) << "model.pt"
                                       << "truncated or corrupt TorchScript archive";
        QTest::newRow("truncated safetensors") << st.left(st.size() * 6 / 10) << "model.safetensors"
                                               << "truncated";
        QTest::newRow("random bytes") << QByteArray(4096, '\x5a') << "model.pt"
                                      << "unknown format";
        QTest::newRow("text file") << QByteArray("hello, I am not a model\n") << "ViT-B-32.pt"
                                   << "unknown format";
        QTest::newRow("other zip file") << QByteArray::fromBase64( // a zip holding photo.txt, made with Python's
                                                                   // zipfile
            "UEsDBBQAAAAAAFwle12GphA2BQAAAAUAAAAJAAAAcGhvdG8udHh0aGVsbG9QSwECFAMUAAAAAABcJXtdhqYQNgUAAAAFAAAACQAA"
            "AAAAAAAAAAAAgAEAAAAAcGhvdG8udHh0UEsFBgAAAAABAAEANwAAACwAAAAAAA==")
                                        << "photos.pt"
                                        << "a zip archive, but not a TorchScript model";
        QTest::newRow("legacy pickle") << QByteArray("\x80\x02\x8a\x0alz\xfc\x9c"
                                                     "F\xf9 j\xa8P\x19.",
                                                     16)
                                       << "model.bin"
                                       << "legacy PyTorch pickle";
    }

    void rejectsBrokenFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, fileName);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(fileName);
        QVERIFY(writeBytes(path, content));
        const QString error = loadError(path);
        QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
    }

    void craftedFilesEndWithOneLine_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        // tests/data/hostile/README.md says how each was made and what it did before issue 11.
        QTest::newRow("0x0 patch kernel (was SIGFPE)") << "zero-patch.safetensors"
                                                       << "visual.conv1.weight [64, 3, 0, 0] has an empty patch kernel";
        QTest::newRow("200 KB Hugging Face key (was a stack overflow)") << "long-name-hf.safetensors"
                                                                        << "missing tensor(s): visual.class_embedding";
        QTest::newRow("200,000-digit layer number (was a stack overflow)")
            << "long-layer-number.safetensors"
            << "missing tensor(s): visual.class_embedding";
        QTest::newRow("negative shape") << "negative-shape.safetensors"
                                        << "tensor 'visual.conv1.weight': shape is not a list of non-negative integers";
        QTest::newRow("absurd shape") << "absurd-shape.safetensors"
                                      << "shape [4611686018427387904, 4611686018427387904] is too large";
        QTest::newRow("overflow behind a zero") << "overflow-with-zero.safetensors"
                                                << "shape [0, 1099511627776, 1099511627776] is too large";
        QTest::newRow("absurd embed dim") << "absurd-embed-dim.safetensors"
                                          << "inconsistent architecture: embed dim 1099511627776 is outside 1..65536";
        QTest::newRow("JSON error quoting a newline") << "json-error-newline.safetensors"
                                                      << "header is not valid JSON (";
        QTest::newRow("TorchScript __setstate__ (read as tensors only)")
            << "setstate-dict.pt"
            << "not a CLIP ViT checkpoint: missing visual.conv1.weight";
        QTest::newRow("TorchScript __setstate__ with a tuple state") << "setstate-tuple.pt"
                                                                     << "has a custom __setstate__";
        QTest::newRow("os.system") << "os-system.pt"
                                   << "data.pkl byte 2: the Python global os.system is neither";
        QTest::newRow("builtins.eval") << "builtins-eval.pt"
                                       << "the Python global builtins.eval is neither";
    }

    void craftedFilesEndWithOneLine()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        const QString path = dataPath(QStringLiteral("hostile/") + file);
        QTemporaryDir scratch; // the working directory, where the payloads would create their marker
        QString error;
        {
            const WorkingDirectoryScope inScratch(scratch.path());
            error = loadError(path);
        }
        QVERIFY(!QFileInfo::exists(scratch.filePath(QStringLiteral("clipfind-hostile-marker"))));
        QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
    }

    void reportsMissingFileAndFolder()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("nope/ViT-B-32.pt"));
        QCOMPARE(loadError(missing), missing + QStringLiteral(": no such file"));
        const QString error = loadError(dir.path());
        QVERIFY2(error.contains(QStringLiteral("no model.safetensors")), qPrintable(error));
    }

    void listsEveryMissingAndMisshapedTensor()
    {
        auto tensors = tinyOpenAiTensors();
        std::vector<std::pair<std::string, torch::Tensor>> broken;
        for (auto &[name, tensor] : tensors) {
            if (name == "visual.ln_post.bias" || name == "transformer.resblocks.1.mlp.c_fc.weight") {
                continue; // missing
            }
            if (name == "visual.proj") {
                broken.emplace_back(name, torch::zeros({3, 3})); // mis-shaped
                continue;
            }
            broken.emplace_back(name, tensor);
        }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.safetensors"));
        QVERIFY(writeSafetensors(path, broken));
        const QString error = loadError(path);
        QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("2 missing tensor(s)")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("visual.ln_post.bias")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("transformer.resblocks.1.mlp.c_fc.weight")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("visual.proj [3, 3] (expected [128, 64])")), qPrintable(error));
    }

    void rejectsResNetAndHalfHuggingFace()
    {
        QTemporaryDir dir;
        const QString resnet = dir.filePath(QStringLiteral("RN50.safetensors"));
        QVERIFY(writeSafetensors(resnet, {{"visual.conv1.weight", torch::zeros({32, 3, 3, 3})},
                                          {"visual.layer1.0.conv1.weight", torch::zeros({64, 64, 1, 1})},
                                          {"visual.attnpool.c_proj.weight", torch::zeros({1024, 2048})}}));
        QVERIFY2(loadError(resnet).contains(QStringLiteral("ResNet CLIP checkpoints")), qPrintable(loadError(resnet)));

        // A Hugging Face layer with q and v but no k cannot become OpenAI's packed in_proj.
        const QString hf = dir.filePath(QStringLiteral("model.safetensors"));
        QVERIFY(writeSafetensors(hf, {{"text_model.encoder.layers.0.self_attn.q_proj.weight", torch::zeros({4, 4})},
                                      {"text_model.encoder.layers.0.self_attn.v_proj.weight", torch::zeros({4, 4})}}));
        const QString error = loadError(hf);
        QVERIFY2(error.contains(
                     QStringLiteral("transformer.resblocks.0.attn.in_proj_weight cannot be assembled: missing k_proj")),
                 qPrintable(error));
    }

    void cudaRequestIsHonouredOrRefused()
    {
        const clip::LoadResult result = clip::ClipModel::load(
            dataPath(QStringLiteral("tiny-openai/model.pt")).toStdString(), {clip::DeviceChoice::Cuda});
        if (torch::cuda::is_available()) {
            QVERIFY2(result.model && result.model->isCuda(), result.error.c_str());
            return;
        }
        QVERIFY(!result.model);
        QVERIFY2(
            QString::fromStdString(result.error).contains(QStringLiteral("CUDA was requested but is not available")),
            result.error.c_str());
    }
};

QTEST_GUILESS_MAIN(CheckpointTest)
#include "checkpointtest.moc"
