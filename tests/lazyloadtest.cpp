// SPDX-License-Identifier: MIT
// Issue 12: a model loaded lazily (the file mapped, each tower built on first use, fp16 converted only for the tower
// being built, the token table converted row by row) gives the features of one loaded eagerly (the file read into
// memory, both towers built at load) bit for bit, on both fixture formats, and both match the reference fixtures.
// Encoding text maps only what the text tower needs: not the token table, not the image tower.
#include "fixturedata.h"

#include "core/clip/model/clipmodel.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cctype>
#include <cstring>
#include <thread>

#include <torch/script.h>
#include <torch/torch.h>

using namespace clipfind;
using namespace clipfind::test;

namespace {

clip::LoadResult loadModel(const QString &path, bool lazy, clip::Kernels kernels)
{
    clip::LoadOptions options;
    options.device = clip::DeviceChoice::Cpu;
    options.kernels = kernels;
    options.lazyTowers = lazy;
    options.fileAccess = lazy ? clip::FileAccess::Map : clip::FileAccess::Read;
    return clip::ClipModel::load(path.toStdString(), options);
}

bool bitIdentical(const clip::Features &a, const clip::Features &b)
{
    return a.ok() && b.ok() && a.rows == b.rows && a.dim == b.dim && a.values.size() == b.values.size()
           && std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(float)) == 0;
}

/// Resident bytes of this process's mappings of `file` (/proc/self/smaps): what of the file the process touched.
qint64 residentBytesOf(const QString &file)
{
    QFile smaps(QStringLiteral("/proc/self/smaps"));
    if (!smaps.open(QIODevice::ReadOnly)) {
        return -1;
    }
    const QByteArray canonical = QFile::encodeName(QFileInfo(file).canonicalFilePath());
    qint64 total = 0;
    bool inside = false;
    for (const QByteArray &line : smaps.readAll().split('\n')) {
        if (!line.isEmpty() && (std::isxdigit(static_cast<unsigned char>(line.at(0))) != 0) && line.contains('-')
            && line.indexOf(' ') > 0) {
            inside = line.endsWith(canonical); // a mapping's header line ends with its path
        } else if (inside && line.startsWith("Rss:")) {
            total += line.mid(4).trimmed().split(' ').value(0).toLongLong() * 1024;
        }
    }
    return total;
}

QByteArray le64(quint64 n)
{
    QByteArray out;
    for (int i = 0; i < 8; ++i) {
        out += char((n >> (8 * i)) & 0xFF);
    }
    return out;
}

/// Writes tensors as a safetensors file in `dtype` (F16 or F32), OpenAI key names (an open_clip file).
bool writeSafetensors(const QString &path, const std::vector<std::pair<std::string, torch::Tensor>> &tensors,
                      torch::ScalarType dtype)
{
    QJsonObject header;
    QByteArray data;
    for (const auto &[name, tensor] : tensors) {
        const torch::Tensor t = tensor.to(dtype).contiguous();
        QJsonArray shape;
        for (const int64_t size : t.sizes()) {
            shape.append(qint64(size));
        }
        const qint64 begin = data.size();
        data.append(static_cast<const char *>(t.data_ptr()), qsizetype(t.nbytes()));
        header.insert(QString::fromStdString(name),
                      QJsonObject{{QStringLiteral("dtype"), dtype == torch::kFloat16 ? "F16" : "F32"},
                                  {QStringLiteral("shape"), shape},
                                  {QStringLiteral("data_offsets"), QJsonArray{begin, qint64(data.size())}}});
    }
    QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    json.append(QByteArray((8 - json.size() % 8) % 8, ' ')); // keep the data section aligned for F32
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(le64(quint64(json.size())) + json + data) > 0;
}

} // namespace

class LazyLoadTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lazyMatchesEagerBitForBit_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("modelPath");
        QTest::addColumn<int>("kernels");
        const int fast = int(clip::Kernels::Fast);
        const int reference = int(clip::Kernels::Reference);
        QTest::newRow("openai .pt (fp16)") << "tiny-openai" << dataPath(QStringLiteral("tiny-openai/model.pt")) << fast;
        QTest::newRow("openai .pt, reference kernels")
            << "tiny-openai" << dataPath(QStringLiteral("tiny-openai/model.pt")) << reference;
        QTest::newRow("hf safetensors (fp32)") << "tiny-hf" << dataPath(QStringLiteral("tiny-hf")) << fast;
        QTest::newRow("hf safetensors, reference kernels")
            << "tiny-hf" << dataPath(QStringLiteral("tiny-hf")) << reference;
    }

    void lazyMatchesEagerBitForBit()
    {
        QFETCH(QString, fixture);
        QFETCH(QString, modelPath);
        QFETCH(int, kernels);
        const ExpectedModel expected = readExpected(fixture);
        const std::vector<float> pixels = referencePixels(expected.imagePaths);
        QVERIFY(!pixels.empty());

        clip::LoadResult eager = loadModel(modelPath, false, clip::Kernels(kernels));
        QVERIFY2(eager.model, eager.error.c_str());
        QVERIFY(eager.model->isTextTowerReady());
        QVERIFY(eager.model->isImageTowerReady());
        clip::LoadResult lazy = loadModel(modelPath, true, clip::Kernels(kernels));
        QVERIFY2(lazy.model, lazy.error.c_str());
        QVERIFY(!lazy.model->isTextTowerReady());
        QVERIFY(!lazy.model->isImageTowerReady());

        const clip::Features eagerText = eager.model->encodeTexts(expected.tokens);
        const clip::Features lazyText = lazy.model->encodeTexts(expected.tokens);
        QVERIFY2(lazyText.ok(), lazyText.error.c_str());
        QVERIFY(lazy.model->isTextTowerReady());
        QVERIFY(!lazy.model->isImageTowerReady()); // text alone never builds the image tower
        QVERIFY(bitIdentical(eagerText, lazyText));

        const int64_t count = expected.imagePaths.size();
        const clip::Features eagerImages = eager.model->encodeImages(pixels.data(), count);
        const clip::Features lazyImages = lazy.model->encodeImages(pixels.data(), count);
        QVERIFY2(lazyImages.ok(), lazyImages.error.c_str());
        QVERIFY(lazy.model->isImageTowerReady());
        QVERIFY(bitIdentical(eagerImages, lazyImages));

        // And both are the reference model's features (the fixture README's tolerance).
        QVERIFY(worstRelativeError(lazyText.values.data(), lazyText.rows, lazyText.dim, expected.textFeatures) <= 1e-4);
        QVERIFY(worstRelativeError(lazyImages.values.data(), lazyImages.rows, lazyImages.dim, expected.imageFeatures)
                <= 1e-4);
    }

    void towersBuiltFromTwoThreadsAtOnce()
    {
        // The app builds the image tower on its indexing thread while a search builds the text tower.
        const ExpectedModel expected = readExpected(QStringLiteral("tiny-openai"));
        const std::vector<float> pixels = referencePixels(expected.imagePaths);
        const QString path = dataPath(QStringLiteral("tiny-openai/model.pt"));
        clip::LoadResult eager = loadModel(path, false, clip::Kernels::Fast);
        clip::LoadResult lazy = loadModel(path, true, clip::Kernels::Fast);
        QVERIFY(eager.model && lazy.model);
        clip::Features text;
        clip::Features images;
        std::thread imageThread([&] { images = lazy.model->encodeImages(pixels.data(), expected.imagePaths.size()); });
        std::thread textThread([&] { text = lazy.model->encodeTexts(expected.tokens); });
        imageThread.join();
        textThread.join();
        QVERIFY(bitIdentical(text, eager.model->encodeTexts(expected.tokens)));
        QVERIFY(bitIdentical(images, eager.model->encodeImages(pixels.data(), expected.imagePaths.size())));
    }

    void textTouchesOnlyTheTextTower()
    {
        // tiny-openai is 27 MB, 25 MB of it the fp32 token table (49408 x 128); its towers are a few hundred KB of
        // fp16 each. Encoding text must map the gathered rows of the table, not the table, and nothing of the image
        // tower; the fp16 weights it converted are handed back.
        const QString path = dataPath(QStringLiteral("tiny-openai/model.pt"));
        const qint64 fileSize = QFileInfo(path).size();
        clip::LoadResult lazy = loadModel(path, true, clip::Kernels::Fast);
        QVERIFY2(lazy.model, lazy.error.c_str());
        const qint64 afterLoad = residentBytesOf(path);
        QVERIFY2(afterLoad >= 0, "no /proc/self/smaps");
        QVERIFY2(afterLoad > 0, "the file is not mapped");
        // "a photo of a dog": a few rows of the table (the kernel maps up to 64 KB around each page it faults in).
        QVERIFY(lazy.model->encodeTexts({{49406, 320, 1125, 539, 320, 1929, 49407}}).ok());
        const qint64 afterText = residentBytesOf(path);
        qInfo("file %lld bytes; resident after load %lld, after encoding text %lld", fileSize, afterLoad, afterText);
        QVERIFY2(afterText < fileSize / 8, qPrintable(QString::number(afterText)));
        QVERIFY(!lazy.model->isImageTowerReady());
        // Eagerly, the whole file is read into memory (nothing mapped).
        clip::LoadResult eager = loadModel(path, false, clip::Kernels::Fast);
        QVERIFY(eager.model);
        QCOMPARE(residentBytesOf(path), afterText);
    }

    void halfTokenTableGivesTheWidenedTablesFeatures()
    {
        // A checkpoint stored entirely in fp16 (the token table too): its rows are gathered in fp16 and then
        // converted. The same values widened to fp32 up front must give the same text features bit for bit.
        // The tensors come from libtorch's own loader of the OpenAI fixture.
        std::vector<std::pair<std::string, torch::Tensor>> tensors;
        const std::string openai = dataPath(QStringLiteral("tiny-openai/model.pt")).toStdString();
        torch::jit::script::Module module = torch::jit::load(openai);
        for (const auto &p : module.named_parameters(true)) {
            tensors.emplace_back(p.name, p.value.detach().to(torch::kFloat16));
        }
        QTemporaryDir dir;
        const QString half = dir.filePath(QStringLiteral("half"));
        const QString widened = dir.filePath(QStringLiteral("widened"));
        QVERIFY(QDir().mkpath(half) && QDir().mkpath(widened));
        QVERIFY(writeSafetensors(half + QStringLiteral("/open_clip_model.safetensors"), tensors, torch::kFloat16));
        QVERIFY(writeSafetensors(widened + QStringLiteral("/open_clip_model.safetensors"), tensors, torch::kFloat32));
        clip::LoadResult fromHalf = loadModel(half, true, clip::Kernels::Fast);
        clip::LoadResult fromWidened = loadModel(widened, true, clip::Kernels::Fast);
        QVERIFY2(fromHalf.model, fromHalf.error.c_str());
        QVERIFY2(fromWidened.model, fromWidened.error.c_str());
        const ExpectedModel expected = readExpected(QStringLiteral("tiny-openai"));
        const clip::Features a = fromHalf.model->encodeTexts(expected.tokens);
        const clip::Features b = fromWidened.model->encodeTexts(expected.tokens);
        QVERIFY2(a.ok(), a.error.c_str());
        QVERIFY(bitIdentical(a, b));
        // fp16 rounding of the fixture's fp32 tensors moves the features a little from the reference.
        QVERIFY(worstCosine(a.values.data(), a.rows, a.dim, expected.textFeatures) >= 0.999);
    }

    void changedFileIsNotTouched()
    {
        // A mapped file that shrank would crash the process when touched: building a tower checks it first.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("model.pt"));
        QVERIFY(QFile::copy(dataPath(QStringLiteral("tiny-openai/model.pt")), path));
        clip::LoadResult lazy = loadModel(path, true, clip::Kernels::Fast);
        QVERIFY2(lazy.model, lazy.error.c_str());
        QVERIFY(QFile::resize(path, QFileInfo(path).size() / 2));
        std::string error;
        QVERIFY(!lazy.model->prepareTextTower(&error));
        QVERIFY2(QString::fromStdString(error).contains(QLatin1String("changed while it was in use")), error.c_str());
        const clip::Features text = lazy.model->encodeTexts({{49406, 49407}});
        QVERIFY(!text.ok()); // the failure sticks
    }
};

QTEST_GUILESS_MAIN(LazyLoadTest)
#include "lazyloadtest.moc"
