// SPDX-License-Identifier: MIT
// clipfind-cli as other tools call it: JSON and NPY outputs checked against the reference fixtures,
// exit codes and one-line errors.
#include "clirunner.h"
#include "fixturedata.h"
#include "hostilefiles.h"
#include "testfiles.h"

#include "core/store/librarydatabase.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace clipfind;
using namespace clipfind::test;

namespace {

using Run = CliRun;

// Thumbnails of test photos go to `cacheHome`, not into the user's cache.
Run runCliCachingIn(const QStringList &arguments, const QString &cacheHome)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_CACHE_HOME"), cacheHome);
    return runCli(arguments, environment);
}

// The tiny model's checkpoint SHA-256 as the fixture generator recorded it: the cache's model id.
QString expectedSha256()
{
    return readExpected(QStringLiteral("tiny-openai")).json.value(QStringLiteral("sha256")).toString();
}

// Runs clipfind-cli with glibc's loader logging every library it maps (LD_DEBUG=files): the loader's own record,
// not ClipFind's account of itself. Returns the log; *run gets the run.
QByteArray loaderLogOf(const QStringList &arguments, const QString &cacheHome, const QString &logDir, Run *run)
{
    QDir(logDir).removeRecursively();
    QDir().mkpath(logDir);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_CACHE_HOME"), cacheHome);
    environment.insert(QStringLiteral("LD_DEBUG"), QStringLiteral("files"));
    environment.insert(QStringLiteral("LD_DEBUG_OUTPUT"), logDir + QStringLiteral("/ld")); // ld.<pid>
    *run = runCli(arguments, environment);
    QByteArray log;
    for (const QFileInfo &file : QDir(logDir).entryInfoList(QDir::Files)) {
        QFile f(file.filePath());
        if (f.open(QIODevice::ReadOnly)) {
            log += f.readAll();
        }
    }
    return log;
}

} // namespace

class CliTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokenizeMatchesFixture()
    {
        const QJsonObject cases = readJsonObject(dataPath(QStringLiteral("tokenizer_cases.json")));
        QStringList texts;
        QJsonArray expectedRows;
        for (const QJsonValue &c : cases.value(QStringLiteral("cases")).toArray()) {
            texts << c.toObject().value(QStringLiteral("text")).toString();
            expectedRows.append(c.toObject().value(QStringLiteral("ids")));
        }
        QCOMPARE(texts.size(), 41);
        const Run run = runCli(QStringList{QStringLiteral("tokenize")} + texts);
        QCOMPARE(run.exitCode, 0);
        const QJsonObject out = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(out.value(QStringLiteral("context_length")).toInt(), 77);
        const QJsonArray rows = out.value(QStringLiteral("ids")).toArray();
        QCOMPARE(rows.size(), texts.size());
        for (int i = 0; i < rows.size(); ++i) {
            QVERIFY2(rows[i] == expectedRows[i], qPrintable(texts[i]));
        }
    }

    void preprocessWritesReferenceInput()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("x.npy"));
        const QString image = dataPath(QStringLiteral("images/portrait_exif6_1600x1200.jpg"));
        const Run run = runCli({QStringLiteral("preprocess"), image, QStringLiteral("--out"), out});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        clip::NpyArray ours, reference;
        std::string error;
        QVERIFY2(clip::readNpy(out.toStdString(), &ours, &error), error.c_str());
        QVERIFY(clip::readNpy(dataPath(QStringLiteral("preprocessed/portrait_exif6_1600x1200.jpg.npy")).toStdString(),
                              &reference, &error));
        QCOMPARE(ours.shape, (std::vector<int64_t>{3, 224, 224}));
        double maxDiff = 0, sum = 0;
        for (size_t i = 0; i < ours.values.size(); ++i) {
            const double d = std::fabs(double(ours.values[i]) - reference.values[i]);
            maxDiff = std::max(maxDiff, d);
            sum += d;
        }
        QVERIFY(maxDiff <= 0.02);
        QVERIFY(sum / double(ours.values.size()) <= 0.001);

        const Run sized = runCli({QStringLiteral("preprocess"), image, QStringLiteral("--out"), out,
                                  QStringLiteral("--size"), QStringLiteral("336")});
        QCOMPARE(sized.exitCode, 0);
        QVERIFY(clip::readNpy(out.toStdString(), &ours, &error));
        QCOMPARE(ours.shape, (std::vector<int64_t>{3, 336, 336}));
    }

    void embedMatchesReference()
    {
        const ExpectedModel expected = readExpected(QStringLiteral("tiny-openai"));
        QStringList arguments{QStringLiteral("embed"), QStringLiteral("--model"),
                              dataPath(QStringLiteral("tiny-openai/model.pt")), QStringLiteral("--device"),
                              QStringLiteral("cpu")};
        const int textCount = 6;
        for (int i = 0; i < textCount; ++i) {
            arguments << QStringLiteral("--text") << expected.texts[i];
        }
        for (const QString &image : expected.imagePaths) {
            arguments << QStringLiteral("--image") << image;
        }
        const Run run = runCli(arguments);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject out = QJsonDocument::fromJson(run.out).object();
        const QJsonObject model = out.value(QStringLiteral("model")).toObject();
        QCOMPARE(model.value(QStringLiteral("format")).toString(), QStringLiteral("openai-torchscript"));
        QCOMPARE(model.value(QStringLiteral("sha256")).toString(),
                 expected.json.value(QStringLiteral("sha256")).toString());
        QCOMPARE(
            model.value(QStringLiteral("config")).toObject().value(QStringLiteral("vision_width")).toInt(),
            expected.json.value(QStringLiteral("config")).toObject().value(QStringLiteral("vision_width")).toInt());
        QVERIFY(out.value(QStringLiteral("device")).toString().startsWith(QStringLiteral("cpu")));

        // Texts through our tokenizer and images through our decoder + preprocessing, end to end.
        const auto texts = matrix(out.value(QStringLiteral("text_features")).toArray());
        QCOMPARE(int(texts.size()), textCount);
        for (int i = 0; i < textCount; ++i) {
            const std::vector<float> row(texts[size_t(i)].begin(), texts[size_t(i)].end());
            QVERIFY2(relativeRowError(row.data(), expected.textFeatures[size_t(i)]) <= 1e-4,
                     qPrintable(expected.texts[i]));
        }
        const auto images = matrix(out.value(QStringLiteral("image_features")).toArray());
        QCOMPARE(int(images.size()), expected.imagePaths.size());
        for (size_t i = 0; i < images.size(); ++i) {
            const std::vector<float> row(images[i].begin(), images[i].end());
            QVERIFY2(relativeRowError(row.data(), expected.imageFeatures[i]) <= 1e-4,
                     qPrintable(expected.imagePaths[int(i)]));
        }
    }

    void failuresAreOneLineWithExitCode()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("ViT-B-32.pt"));
        Run run = runCli({QStringLiteral("embed"), QStringLiteral("--model"), missing, QStringLiteral("--text"),
                          QStringLiteral("x")});
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY2(run.err.contains(missing.toUtf8() + ": no such file"), run.err.constData());

        const QString badImage = dir.filePath(QStringLiteral("broken.jpg"));
        QFile file(badImage);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not really a jpeg");
        file.close();
        run = runCli({QStringLiteral("embed"), QStringLiteral("--model"),
                      dataPath(QStringLiteral("tiny-openai/model.pt")), QStringLiteral("--image"), badImage});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("broken.jpg"), run.err.constData());

        run = runCli(
            {QStringLiteral("preprocess"), badImage, QStringLiteral("--out"), dir.filePath(QStringLiteral("o.npy"))});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("broken.jpg"), run.err.constData());

        QCOMPARE(runCli({QStringLiteral("frobnicate")}).exitCode, 2);
        QCOMPARE(runCli({QStringLiteral("embed"), QStringLiteral("--device"), QStringLiteral("tpu"),
                         QStringLiteral("--model"), missing})
                     .exitCode,
                 2);
    }

    void craftedModelFilesExitWithOneLine()
    {
        // Issue 11: every crafted file ends with exit code 1 and one line naming it: no signal (SIGFPE, stack
        // overflow), no hang, and no code from the file run (the marker some of them create stays absent).
        const QDir hostile(dataPath(QStringLiteral("hostile")));
        const QStringList files =
            hostile.entryList({QStringLiteral("*.pt"), QStringLiteral("*.safetensors")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 20);
        QTemporaryDir scratch;
        const WorkingDirectoryScope inScratch(scratch.path()); // the child's, where a payload would create the marker
        for (const QString &file : files) {
            const QString path = hostile.filePath(file);
            const Run run = runCli({QStringLiteral("embed"), QStringLiteral("--model"), path, QStringLiteral("--text"),
                                    QStringLiteral("x")});
            QCOMPARE(run.exitCode, 1);
            QVERIFY2(run.err.count('\n') == 1 && run.err.contains(path.toUtf8() + ": "), run.err.constData());
            QVERIFY2(!QFileInfo::exists(scratch.filePath(QStringLiteral("clipfind-hostile-marker"))), qPrintable(file));
        }
    }

    // Issue 11: the reproduced image inputs (a TIFF and a JPEG giving their size twice, a PNG over the pixel limit, a
    // FIFO and /dev/zero where an image should be) end with exit code 1 and one line naming the file: no signal, no
    // hang.
    void hostileImagesExitWithOneLine()
    {
        QTemporaryDir dir;
        QStringList inputs;
        for (const char *name : {"tiff-duplicate-size.tif", "tiff-duplicate-size-big-first.tif", "jpeg-two-frames.jpg",
                                 "png-over-limit-15000.png"}) {
            inputs << dataPath(QStringLiteral("hostile/")) + QLatin1String(name);
        }
        const QString fifo = dir.filePath(QStringLiteral("fifo.jpg"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const QString zero = dir.filePath(QStringLiteral("zero.png"));
        QVERIFY(QFile::link(QStringLiteral("/dev/zero"), zero));
        inputs << fifo << zero;
        for (const QString &input : inputs) {
            const QString name = QFileInfo(input).fileName();
            QElapsedTimer timer;
            timer.start();
            Run run = runCli(
                {QStringLiteral("preprocess"), input, QStringLiteral("--out"), dir.filePath(QStringLiteral("o.npy"))});
            QCOMPARE(run.exitCode, 1);
            QVERIFY2(run.err.count('\n') == 1 && run.err.contains(name.toUtf8() + ": "), run.err.constData());
            run = runCli({QStringLiteral("embed"), QStringLiteral("--model"),
                          dataPath(QStringLiteral("tiny-openai/model.pt")), QStringLiteral("--image"), input});
            QCOMPARE(run.exitCode, 1);
            QVERIFY2(run.err.count('\n') == 1 && run.err.contains(name.toUtf8() + ": "), run.err.constData());
            qInfo("%s (%lld ms): %s", qPrintable(name), timer.elapsed(), run.err.trimmed().constData());
        }
        // A model path that is a FIFO: refused at once too.
        const Run run = runCli(
            {QStringLiteral("embed"), QStringLiteral("--model"), fifo, QStringLiteral("--text"), QStringLiteral("x")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.count('\n') == 1 && run.err.contains("not a regular file"), run.err.constData());
    }

    // Issue 11: `clipfind-cli index` on a folder of decompression bombs stays under the memory budget and reports each
    // file. Three 196-megapixel 1-bit PNGs (24 KB each, 784 MB to decode), a 196-megapixel RGB one (588 MB), a 16-bit
    // RGBA one (needs more than the whole budget), one over the pixel limit, the crafted TIFF and JPEG, and a normal
    // photo, on four decode threads: the child's peak memory (getrusage) stays under 1.5 GB (without the budget, four
    // decodes of 784 MB at once).
    void indexFolderOfBombsStaysWithinMemory()
    {
        QTemporaryDir dir;
        const QString photos = QFileInfo(dir.filePath(QStringLiteral("photos"))).absoluteFilePath();
        QVERIFY(QDir().mkpath(photos));
        const QString hostile = dataPath(QStringLiteral("hostile/"));
        for (int i = 0; i < 3; ++i) {
            QVERIFY(QFile::copy(hostile + QStringLiteral("png-bomb-gray-14000.png"),
                                photos + QStringLiteral("/gray_%1.png").arg(i)));
        }
        QVERIFY(writeBytes(photos + QStringLiteral("/rgb.png"), pngOfZeros(14000, 14000, 8, 2, 3)));
        QVERIFY(writeBytes(photos + QStringLiteral("/deep.png"), pngOfZeros(14000, 14000, 16, 6, 4)));
        for (const char *name : {"png-over-limit-15000.png", "tiff-duplicate-size.tif", "jpeg-two-frames.jpg"}) {
            QVERIFY(QFile::copy(hostile + QLatin1String(name), photos + QLatin1Char('/') + QLatin1String(name)));
        }
        QVERIFY(QFile::copy(dataPath(QStringLiteral("images/landscape_2000x1500.jpg")),
                            photos + QStringLiteral("/photo.jpg")));
        const QStringList arguments{QStringLiteral("index"),
                                    photos,
                                    QStringLiteral("--model"),
                                    dataPath(QStringLiteral("tiny-openai/model.pt")),
                                    QStringLiteral("--data-dir"),
                                    dir.filePath(QStringLiteral("data")),
                                    QStringLiteral("--decode-threads"),
                                    QStringLiteral("4")};
        QElapsedTimer timer;
        timer.start();
        const Run run = runCliCachingIn(arguments, dir.filePath(QStringLiteral("xdg-cache")));
        const qint64 peak = childrenPeakRssBytes();
        qInfo("index: %lld ms, peak memory of the children so far %lld MiB", timer.elapsed(), peak >> 20);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject out = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(out.value(QStringLiteral("scanned")).toInt(), 9);
        QCOMPARE(out.value(QStringLiteral("indexed")).toInt(), 5);
        QMap<QString, QString> reasons;
        for (const QJsonValue &failure : out.value(QStringLiteral("failed")).toArray()) {
            const QString reason = failure.toObject().value(QStringLiteral("reason")).toString();
            reasons.insert(QFileInfo(failure.toObject().value(QStringLiteral("path")).toString()).fileName(), reason);
            qInfo("%s", qPrintable(reason));
            QVERIFY(!reason.contains(QLatin1Char('\n')));
        }
        QCOMPARE(reasons.size(), 4);
        QVERIFY(reasons.value(QStringLiteral("deep.png"))
                    .endsWith(QStringLiteral("more than the indexer's 1024 MiB budget")));
        QVERIFY(reasons.value(QStringLiteral("png-over-limit-15000.png")).contains(QStringLiteral("image too large")));
        QVERIFY(reasons.value(QStringLiteral("tiff-duplicate-size.tif")).contains(QStringLiteral("given twice")));
        QVERIFY(reasons.value(QStringLiteral("jpeg-two-frames.jpg")).contains(QStringLiteral("start-of-frame")));
#if defined(CLIPFIND_TEST_ASAN)
        // clipfind-cli is built with ASan too: shadow memory and the quarantine of freed blocks come on top.
        const qint64 allowed = qint64(1500) * 1000 * 1000 * 5 / 4 + (256 << 20);
#else
        const qint64 allowed = qint64(1500) * 1000 * 1000;
#endif
        QVERIFY2(peak < allowed, qPrintable(QStringLiteral("%1 MiB").arg(peak >> 20)));
    }

    // Issue 11: the reproduced queries ('<' escaped 16,383 times; a 65,530-space run) are answered at once.
    void hostileQueriesAreAnswered()
    {
        QTemporaryDir dir;
        const QString photos = QFileInfo(dir.filePath(QStringLiteral("photos"))).absoluteFilePath();
        QVERIFY(QDir().mkpath(photos));
        QVERIFY(
            QFile::copy(dataPath(QStringLiteral("images/small_120x90.png")), photos + QStringLiteral("/small.png")));
        const QStringList common{QStringLiteral("--model"), dataPath(QStringLiteral("tiny-openai/model.pt")),
                                 QStringLiteral("--data-dir"), dir.filePath(QStringLiteral("data"))};
        Run run =
            runCliCachingIn(QStringList{QStringLiteral("index"), photos} + common, dir.filePath(QStringLiteral("xdg")));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        for (const char *name : {"nested-escapes-64k.txt", "space-run-64k.txt"}) {
            const QString query =
                QString::fromUtf8(readBytes(dataPath(QStringLiteral("hostile/")) + QLatin1String(name)));
            QVERIFY(query.size() > 65000);
            QElapsedTimer timer;
            timer.start();
            run = runCli(QStringList{QStringLiteral("search"), photos, query, QStringLiteral("--json")} + common);
            qInfo("%s: exit %d in %lld ms", name, run.exitCode, timer.elapsed());
            QVERIFY2(run.exitCode == 0, run.err.constData());
            const QJsonObject out = QJsonDocument::fromJson(run.out).object();
            QCOMPARE(out.value(QStringLiteral("results")).toArray().size(), 1);
            QVERIFY(out.value(QStringLiteral("timings_ms")).toObject().value(QStringLiteral("parse")).toDouble()
                    < 1000);
        }
    }

    void indexAndStatus()
    {
        QTemporaryDir dir;
        const QString photos = QFileInfo(dir.filePath(QStringLiteral("photos"))).absoluteFilePath();
        QVERIFY(QDir().mkpath(photos));
        for (const char *name : {"landscape_2000x1500.jpg", "alpha_640x480.png", "palette_320x240.gif"}) {
            QVERIFY(QFile::copy(dataPath(QStringLiteral("images/")) + QLatin1String(name),
                                photos + QLatin1Char('/') + QLatin1String(name)));
        }
        QFile bad(photos + QStringLiteral("/bad.jpg"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("junk");
        bad.close();
        const QStringList common{QStringLiteral("--model"), dataPath(QStringLiteral("tiny-openai/model.pt")),
                                 QStringLiteral("--data-dir"), dir.filePath(QStringLiteral("data"))};
        const QString cacheHome = dir.filePath(QStringLiteral("xdg-cache"));

        Run run = runCliCachingIn(QStringList{QStringLiteral("index"), photos} + common, cacheHome);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QJsonObject out = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(out.value(QStringLiteral("scanned")).toInt(), 4);
        QCOMPARE(out.value(QStringLiteral("indexed")).toInt(), 3);
        const QJsonArray failed = out.value(QStringLiteral("failed")).toArray();
        QCOMPARE(failed.size(), 1);
        QVERIFY(
            failed[0].toObject().value(QStringLiteral("reason")).toString().startsWith(QStringLiteral("bad.jpg: ")));
        for (const char *key : {"unchanged", "reused", "removed", "seconds", "images_per_second"}) {
            QVERIFY2(out.contains(QLatin1String(key)), key);
        }
        QVERIFY(QDir(cacheHome + QStringLiteral("/thumbnails/large")).entryList(QDir::Files).size() == 3);

        run = runCliCachingIn(QStringList{QStringLiteral("index"), photos} + common, cacheHome);
        out = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(out.value(QStringLiteral("unchanged")).toInt(), 4);
        QCOMPARE(out.value(QStringLiteral("indexed")).toInt(), 0);

        run = runCli(QStringList{QStringLiteral("status"), photos} + common);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        out = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(out.value(QStringLiteral("photos")).toInt(), 4);
        QCOMPARE(out.value(QStringLiteral("indexed")).toInt(), 3);
        QCOMPARE(out.value(QStringLiteral("failed")).toInt(), 1);
        QCOMPARE(out.value(QStringLiteral("pending")).toInt(), 0);

        QCOMPARE(runCli({QStringLiteral("index"), dir.filePath(QStringLiteral("missing"))}).exitCode, 1);
    }

    // Issue 12: index and status with nothing to encode never load the model. The photos' embeddings are stored
    // under the id of a "model" that is no checkpoint at all: loading it fails with one line naming the file (the
    // last step shows it), so runs that succeed with it never loaded it.
    void nothingToEncodeNeverLoadsTheModel()
    {
        QTemporaryDir dir;
        const QString photos = QFileInfo(dir.filePath(QStringLiteral("photos"))).absoluteFilePath();
        QVERIFY(QDir().mkpath(photos));
        for (const char *name : {"alpha_640x480.png", "palette_320x240.gif"}) {
            QVERIFY(QFile::copy(dataPath(QStringLiteral("images/")) + QLatin1String(name),
                                photos + QLatin1Char('/') + QLatin1String(name)));
        }
        const QString data = dir.filePath(QStringLiteral("data"));
        const QString cacheHome = dir.filePath(QStringLiteral("xdg-cache"));
        const QString logs = dir.filePath(QStringLiteral("loader-log"));
        const QStringList withModel{QStringLiteral("--model"), dataPath(QStringLiteral("tiny-openai/model.pt")),
                                    QStringLiteral("--data-dir"), data};
        Run run;
        // Photos to encode: the engine library, and libtorch with it, is loaded (the control for the checks below).
        QByteArray loaded =
            loaderLogOf(QStringList{QStringLiteral("index"), photos} + withModel, cacheHome, logs, &run);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value(QStringLiteral("indexed")).toInt(), 2);
        QVERIFY2(loaded.contains("libclipfind_torch.so") && loaded.contains("libtorch_cpu"), loaded.left(2000));

        // Nothing to encode: `index` and `status` never load libtorch (issue 12: it alone costs ~0.4 s of a start).
        loaded = loaderLogOf(QStringList{QStringLiteral("index"), photos} + withModel, cacheHome, logs, &run);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value(QStringLiteral("unchanged")).toInt(), 2);
        QVERIFY2(loaded.contains("libclipfind_core.so"), "the loader log is empty");
        QVERIFY2(!loaded.contains("libtorch") && !loaded.contains("libclipfind_torch"), "index loaded libtorch");
        loaded = loaderLogOf(QStringList{QStringLiteral("status"), photos} + withModel, cacheHome, logs, &run);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value(QStringLiteral("indexed")).toInt(), 2);
        QVERIFY2(loaded.contains("libclipfind_core.so"), "the loader log is empty");
        QVERIFY2(!loaded.contains("libtorch") && !loaded.contains("libclipfind_torch"), "status loaded libtorch");

        const QString broken = dir.filePath(QStringLiteral("broken.pt"));
        const QByteArray brokenBytes("PK\x03\x04 not really an archive");
        QVERIFY(writeBytes(broken, brokenBytes));
        const QString brokenId =
            QString::fromLatin1(QCryptographicHash::hash(brokenBytes, QCryptographicHash::Sha256).toHex());
        {
            QString error;
            auto cache = LibraryDatabase::open(data + QStringLiteral("/cache.sqlite"), &error);
            QVERIFY2(cache, qPrintable(error));
            std::vector<FileUpdate> updates;
            for (const FileState &state : cache->filesUnder(QFileInfo(photos).canonicalFilePath())) {
                updates.push_back({state, std::vector<float>(8, 0.25f)});
            }
            QCOMPARE(updates.size(), size_t(2));
            QVERIFY2(cache->writeBatch(brokenId, updates, {}, &error), qPrintable(error));
        }
        const QStringList withBroken{QStringLiteral("--model"), broken, QStringLiteral("--data-dir"), data};

        run = runCliCachingIn(QStringList{QStringLiteral("index"), photos} + withBroken, cacheHome);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QJsonObject out = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(out.value(QStringLiteral("unchanged")).toInt(), 2);
        QCOMPARE(out.value(QStringLiteral("indexed")).toInt(), 0);

        run = runCli(QStringList{QStringLiteral("status"), photos} + withBroken);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        out = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(out.value(QStringLiteral("model_sha256")).toString(), brokenId);
        QCOMPARE(out.value(QStringLiteral("indexed")).toInt(), 2);
        QCOMPARE(out.value(QStringLiteral("pending")).toInt(), 0);

        // A photo to encode opens the model, and the run fails on it with one line naming the file (after the
        // progress line).
        QVERIFY(QFile::copy(dataPath(QStringLiteral("images/landscape_2000x1500.jpg")),
                            photos + QStringLiteral("/landscape.jpg")));
        run = runCliCachingIn(QStringList{QStringLiteral("index"), photos} + withBroken, cacheHome);
        QCOMPARE(run.exitCode, 1);
        const QByteArray lastLine = run.err.trimmed().split('\n').last();
        QVERIFY2(lastLine.startsWith("clipfind-cli: " + broken.toUtf8() + ": "), run.err.constData());
    }

    void indexSurvivesKill9()
    {
        // 120 photos (copies of a 2000x1500 JPEG) in batches of 2: the run takes seconds, so it can be killed
        // mid-way once a few batches are committed; the rerun must finish with every file exactly once.
        QTemporaryDir dir;
        const QString photos = QFileInfo(dir.filePath(QStringLiteral("photos"))).absoluteFilePath();
        QVERIFY(QDir().mkpath(photos));
        constexpr int kCount = 120;
        for (int i = 0; i < kCount; ++i) {
            QVERIFY(QFile::copy(dataPath(QStringLiteral("images/landscape_2000x1500.jpg")),
                                photos + QStringLiteral("/IMG_%1.jpg").arg(i, 4, 10, QLatin1Char('0'))));
        }
        const QString data = dir.filePath(QStringLiteral("data"));
        const QString model = dataPath(QStringLiteral("tiny-openai/model.pt"));
        const QStringList arguments{
            QStringLiteral("index"),      photos, QStringLiteral("--model"), model,
            QStringLiteral("--data-dir"), data,   QStringLiteral("--batch"), QStringLiteral("2"),
            QStringLiteral("--exact")};
        QProcess indexer;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("XDG_CACHE_HOME"), dir.filePath(QStringLiteral("xdg-cache")));
        indexer.setProcessEnvironment(environment);
        indexer.start(QStringLiteral(CLIPFIND_CLI), arguments);
        QVERIFY(indexer.waitForStarted());

        const QString modelId = expectedSha256();
        const QString canonical = QFileInfo(photos).canonicalFilePath();
        qint64 committed = 0;
        QElapsedTimer timer;
        timer.start();
        while (committed < 6 && indexer.state() == QProcess::Running && timer.elapsed() < 120000) {
            QTest::qWait(20);
            if (!QFile::exists(data + QStringLiteral("/cache.sqlite"))) {
                continue;
            }
            QString error;
            auto reader = LibraryDatabase::open(data + QStringLiteral("/cache.sqlite"), &error);
            committed = reader ? reader->counts(canonical, modelId).indexed : 0;
        }
        QVERIFY2(indexer.state() == QProcess::Running, "the run ended before it could be killed");
        indexer.kill(); // SIGKILL
        QVERIFY(indexer.waitForFinished());
        QCOMPARE(indexer.exitStatus(), QProcess::CrashExit);

        QString error;
        {
            auto cache = LibraryDatabase::open(data + QStringLiteral("/cache.sqlite"), &error);
            QVERIFY2(cache, qPrintable(error));
            QString details;
            QVERIFY2(cache->integrityOk(&details), qPrintable(details));
            const qint64 kept = cache->counts(canonical, modelId).indexed;
            QVERIFY2(kept >= committed && kept < kCount, qPrintable(QString::number(kept)));
        }
        const Run rerun = runCliCachingIn(arguments, dir.filePath(QStringLiteral("xdg-cache")));
        QVERIFY2(rerun.exitCode == 0, rerun.err.constData());
        auto cache = LibraryDatabase::open(data + QStringLiteral("/cache.sqlite"), &error);
        QVERIFY2(cache, qPrintable(error));
        QString details;
        QVERIFY2(cache->integrityOk(&details), qPrintable(details));
        const std::vector<FileState> files = cache->filesUnder(canonical);
        QCOMPARE(int(files.size()), kCount); // every file exactly once (paths are the primary key)
        QCOMPARE(cache->counts(canonical, modelId).indexed, qint64(kCount));
    }

    void benchPrintsJson()
    {
        const Run run = runCli({QStringLiteral("bench"), QStringLiteral("--model"),
                                dataPath(QStringLiteral("tiny-openai/model.pt")), QStringLiteral("--device"),
                                QStringLiteral("cpu"), QStringLiteral("--batches"), QStringLiteral("1,4"),
                                QStringLiteral("--seconds"), QStringLiteral("0.05"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject out = QJsonDocument::fromJson(run.out).object();
        QVERIFY(out.value(QStringLiteral("device")).toString().startsWith(QStringLiteral("cpu")));
        QVERIFY(out.value(QStringLiteral("threads")).toInt() >= 1);
        const QJsonObject images = out.value(QStringLiteral("image_img_per_s")).toObject();
        QCOMPARE(images.keys(), (QStringList{QStringLiteral("1"), QStringLiteral("4")}));
        QVERIFY(images.value(QStringLiteral("4")).toDouble() > 0);
        const QJsonObject text = out.value(QStringLiteral("text_ms")).toObject();
        QVERIFY(text.value(QStringLiteral("5")).toDouble() > 0);
        QVERIFY(text.value(QStringLiteral("77")).toDouble() > 0);
    }

    // --batches (bench) and --rows (bench-search) share one list parser: a bad item is a usage error naming it.
    void benchRejectsBadLists_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("value");
        QTest::newRow("letter") << "bench"
                                << "--batches"
                                << "1,x";
        QTest::newRow("zero") << "bench"
                              << "--batches"
                              << "0";
        QTest::newRow("negative") << "bench-search"
                                  << "--rows"
                                  << "10,-5";
        QTest::newRow("fraction") << "bench-search"
                                  << "--rows"
                                  << "1.5";
        QTest::newRow("overflow") << "bench-search"
                                  << "--rows"
                                  << "99999999999999999999";
    }

    void benchRejectsBadLists()
    {
        QFETCH(QString, command);
        QFETCH(QString, option);
        QFETCH(QString, value);
        const Run run = runCli({command, QStringLiteral("--arch"), QStringLiteral("ViT-B/32"), option, value});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(option.toUtf8() + " needs positive numbers separated by commas"),
                 run.err.constData());
        QCOMPARE(run.err.count('\n'), 1);
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "clitest.moc"
