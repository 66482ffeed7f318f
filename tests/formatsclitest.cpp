// SPDX-License-Identifier: MIT
// clipfind-cli on HEIC, AVIF and RAW files made at run time: `index` counts them as indexed (and a broken one as
// failed, with its reason), `preprocess x.heic --out x.npy` writes the model input, within the lossy-codec tolerance of
// the source image's reference model input (tests/data/preprocessed, made with OpenAI's CLIP code).
#include "clirunner.h"
#include "fixturedata.h"
#include "heifwriter.h"
#include "testfiles.h"

#include <QDir>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace clipfind;
using namespace clipfind::test;

class FormatsCliTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QByteArray heif(const QString &file, bool avif, int orientation)
    {
        QString error;
        const QImage upright(dataPath(QStringLiteral("images/") + file));
        const QByteArray bytes =
            encodeHeif(storedForOrientation(upright, orientation), avif, 90, orientation, {}, &error);
        if (bytes.isEmpty()) {
            qWarning("%s", qPrintable(error));
        }
        return bytes;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void indexCountsHeifAndRawAsIndexed()
    {
        const QString photos = m_dir.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(photos));
        QVERIFY(
            writeBytes(photos + QStringLiteral("/rotated.heic"), heif(QStringLiteral("odd_1001x667.jpg"), false, 6)));
        QVERIFY(writeBytes(photos + QStringLiteral("/gray.avif"), heif(QStringLiteral("gray_800x600.jpg"), true, 1)));
        DngSpec spec;
        spec.image = QImage(dataPath(QStringLiteral("images/landscape_2000x1500.jpg"))).scaled(400, 300);
        QVERIFY(writeBytes(photos + QStringLiteral("/camera.DNG"), makeDng(spec)));
        spec.preview =
            encodeJpeg(QImage(dataPath(QStringLiteral("images/landscape_2000x1500.jpg"))).scaled(800, 600), 90);
        QVERIFY(writeBytes(photos + QStringLiteral("/with preview.dng"), makeDng(spec)));
        const QByteArray cut = heif(QStringLiteral("gray_800x600.jpg"), false, 1);
        QVERIFY(writeBytes(photos + QStringLiteral("/cut.heic"), cut.left(cut.size() / 2)));

        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        const QString cacheHome = m_dir.filePath(QStringLiteral("xdg-cache"));
        environment.insert(QStringLiteral("XDG_CACHE_HOME"), cacheHome);
        const QStringList common{QStringLiteral("--model"),    dataPath(QStringLiteral("tiny-openai/model.pt")),
                                 QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data")),
                                 QStringLiteral("--device"),   QStringLiteral("cpu")};
        const CliRun run = runCli(QStringList{QStringLiteral("index"), photos} + common, environment);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject out = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(out.value(QStringLiteral("scanned")).toInt(), 5);
        QCOMPARE(out.value(QStringLiteral("indexed")).toInt(), 4);
        const QJsonArray failed = out.value(QStringLiteral("failed")).toArray();
        QCOMPARE(failed.size(), 1);
        const QString reason = failed[0].toObject().value(QStringLiteral("reason")).toString();
        QVERIFY2(reason.startsWith(QLatin1String("cut.heic: truncated or corrupt HEIC file")), qPrintable(reason));
        // Thumbnails come from the same decoder.
        QCOMPARE(QDir(cacheHome + QStringLiteral("/thumbnails/large")).entryList(QDir::Files).size(), 4);
    }

    void preprocessHeic()
    {
        const QString heic = m_dir.filePath(QStringLiteral("x.heic"));
        const QString npy = m_dir.filePath(QStringLiteral("x.npy"));
        QVERIFY(writeBytes(heic, heif(QStringLiteral("odd_1001x667.jpg"), false, 8)));
        const CliRun run = runCli({QStringLiteral("preprocess"), heic, QStringLiteral("--out"), npy});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        clip::NpyArray ours, reference;
        std::string error;
        QVERIFY2(clip::readNpy(npy.toStdString(), &ours, &error), error.c_str());
        const QString referencePath = dataPath(QStringLiteral("preprocessed/odd_1001x667.jpg.npy"));
        QVERIFY2(clip::readNpy(referencePath.toStdString(), &reference, &error), error.c_str());
        QCOMPARE(ours.shape, (std::vector<int64_t>{3, 224, 224}));
        QCOMPARE(ours.values.size(), reference.values.size());
        double mean = 0;
        for (size_t i = 0; i < ours.values.size(); ++i) {
            mean += std::fabs(double(ours.values[i]) - double(reference.values[i]));
        }
        mean /= double(ours.values.size());
        QVERIFY2(mean <= 0.02, qPrintable(QString::number(mean))); // heifdecodertest states the measured tolerance

        const QString cut = m_dir.filePath(QStringLiteral("cut short.heic"));
        QVERIFY(writeBytes(cut, readBytes(heic).left(5000)));
        const CliRun broken = runCli({QStringLiteral("preprocess"), cut, QStringLiteral("--out"), npy});
        QCOMPARE(broken.exitCode, 1);
        QVERIFY2(broken.err.startsWith("clipfind-cli: cut short.heic: truncated or corrupt HEIC file"),
                 broken.err.constData());
        QCOMPARE(broken.err.count('\n'), 1);
    }
};

QTEST_GUILESS_MAIN(FormatsCliTest)
#include "formatsclitest.moc"
