// SPDX-License-Identifier: MIT
// findDuplicates() on the shapes-clip fixture photos indexed with the fixture's trained model: copies made at run time
// (re-encoded, resized, re-saved as PNG and HEIC, a shifted "burst" frame) are grouped with their originals, and the
// fixture's different photos of the same class (same color and shape, so nearly the same embedding for this model)
// are not. The measured cosines and hash distances are printed: they are what the defaults were chosen from.
#include "core/duplicates/duplicatefinder.h"
#include "clirunner.h"
#include "core/decode/imagedecoder.h"
#include "core/duplicates/imagefingerprint.h"
#include "core/store/filehash.h"
#include "core/store/librarydatabase.h"
#include "fixturedata.h"
#include "heifwriter.h"
#include "testfiles.h"

#include <QDir>
#include <QPainter>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace clipfind;
using namespace clipfind::test;

namespace {

QString fixture(const QString &relative)
{
    return dataPath(QStringLiteral("shapes-clip/") + relative);
}

bool setModified(const QString &path, const QDateTime &time)
{
    QFile file(path);
    return file.open(QIODevice::ReadWrite) && file.setFileTime(time, QFileDevice::FileModificationTime);
}

// The image moved right and down by `dx`, `dy` pixels (edges repeated): the next frame of a burst.
QImage shifted(const QImage &image, int dx, int dy)
{
    QImage out(image.size(), QImage::Format_RGB888);
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            out.setPixelColor(x, y, image.pixelColor(std::max(0, x - dx), std::max(0, y - dy)));
        }
    }
    return out;
}

} // namespace

class DuplicateFinderTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_photos;
    QString m_database;
    QString m_modelId;
    QJsonObject m_labels;
    /// The planted groups the default threshold finds: original file name -> the copies' file names.
    QMap<QString, QStringList> m_planted;
    /// A quality-60 re-save of a small photo: this tiny model's embedding moves more than the default threshold allows.
    const QString m_harsh = QStringLiteral("copies/img_0003 q60.jpg");

    QString photo(const QString &name) const
    {
        return QFileInfo(m_photos + QLatin1Char('/') + name).canonicalFilePath();
    }

    QString labelOf(const QString &path) const
    {
        const QJsonArray label = m_labels.value(QFileInfo(path).fileName()).toArray();
        return label.at(0).toString() + QLatin1Char(' ') + label.at(1).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Thumbnails of the indexed photos go here, and findDuplicates() reads them from here.
        qputenv("XDG_CACHE_HOME", m_dir.filePath(QStringLiteral("xdg-cache")).toUtf8());
        m_photos = m_dir.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(m_photos + QStringLiteral("/copies")));
        m_labels = readJsonObject(fixture(QStringLiteral("labels.json")));
        const QDir images(fixture(QStringLiteral("images")));
        const QDateTime old(QDate(2020, 5, 1), QTime(12, 0));
        for (const QString &name : images.entryList({QStringLiteral("*.jpg")}, QDir::Files)) {
            const QString to = m_photos + QLatin1Char('/') + name;
            QVERIFY(QFile::copy(images.filePath(name), to));
            QVERIFY(setModified(to, old));
        }
        const auto source = [&](const char *name) { return QImage(images.filePath(QLatin1String(name))); };
        const auto save = [&](const QString &name, const QByteArray &bytes, const QDateTime &time) {
            const QString path = m_photos + QStringLiteral("/copies/") + name;
            return writeBytes(path, bytes) && setModified(path, time);
        };
        const QDateTime later(QDate(2024, 1, 2), QTime(3, 4));
        QString error;
        QVERIFY(save(QStringLiteral("img_0003 q60.jpg"), encodeJpeg(source("img_0003.jpg"), 60), later));
        QVERIFY(save(QStringLiteral("img_0008 q80.jpg"), encodeJpeg(source("img_0008.jpg"), 80), later));
        const QImage half =
            source("img_0010.jpg")
                .scaled(source("img_0010.jpg").size() / 2, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        // Smaller but older: the larger original is still the one to keep.
        QVERIFY(save(QStringLiteral("img_0010 half.jpg"), encodeJpeg(half, 90), old.addYears(-1)));
        QByteArray png;
        {
            QBuffer buffer(&png);
            buffer.open(QIODevice::WriteOnly);
            QVERIFY(source("img_0020.jpg").save(&buffer, "PNG"));
        }
        QVERIFY(save(QStringLiteral("img_0020.png"), png, later));
        QVERIFY(
            save(QStringLiteral("img_0030.heic"), encodeHeif(source("img_0030.jpg"), false, 80, 1, {}, &error), later));
        QVERIFY(save(QStringLiteral("img_0040 q75.jpg"), encodeJpeg(source("img_0040.jpg"), 75), later));
        QVERIFY(save(QStringLiteral("img_0040 small.jpg"),
                     encodeJpeg(source("img_0040.jpg")
                                    .scaled(source("img_0040.jpg").size() * 0.7, Qt::IgnoreAspectRatio,
                                            Qt::SmoothTransformation),
                                85),
                     later));
        QVERIFY(
            save(QStringLiteral("img_0050 burst.jpg"), encodeJpeg(shifted(source("img_0050.jpg"), 3, 2), 92), later));
        m_planted = {
            {QStringLiteral("img_0008.jpg"), {QStringLiteral("copies/img_0008 q80.jpg")}},
            {QStringLiteral("img_0010.jpg"), {QStringLiteral("copies/img_0010 half.jpg")}},
            {QStringLiteral("img_0020.jpg"), {QStringLiteral("copies/img_0020.png")}},
            {QStringLiteral("img_0030.jpg"), {QStringLiteral("copies/img_0030.heic")}},
            {QStringLiteral("img_0040.jpg"),
             {QStringLiteral("copies/img_0040 q75.jpg"), QStringLiteral("copies/img_0040 small.jpg")}},
            {QStringLiteral("img_0050.jpg"), {QStringLiteral("copies/img_0050 burst.jpg")}},
        };

        const QString dataDir = m_dir.filePath(QStringLiteral("data"));
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        const CliRun index = runCli({QStringLiteral("index"), m_photos, QStringLiteral("--model"),
                                     fixture(QStringLiteral("model.pt")), QStringLiteral("--data-dir"), dataDir,
                                     QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--exact")},
                                    environment);
        QVERIFY2(index.exitCode == 0, index.err.constData());
        QCOMPARE(QJsonDocument::fromJson(index.out).object().value(QStringLiteral("indexed")).toInt(), 96 + 8);
        m_database = databasePathIn(dataDir);
        m_modelId = sha256OfFile(fixture(QStringLiteral("model.pt")), &error);
        QVERIFY2(!m_modelId.isEmpty(), qPrintable(error));
    }

    // The numbers the defaults come from: cosine and hash distance of every planted copy with its original, and of
    // the fixture's photos of one class with each other.
    void similaritiesOfCopiesAndOfSameClassPhotos()
    {
        QString error;
        const auto database = LibraryDatabase::openReadOnly(m_database, &error);
        QVERIFY2(database, qPrintable(error));
        QStringList paths;
        std::vector<float> matrix;
        int dim = 0;
        QVERIFY2(
            database->loadEmbeddings(QFileInfo(m_photos).canonicalFilePath(), m_modelId, &paths, &matrix, &dim, &error),
            qPrintable(error));
        QCOMPARE(paths.size(), 104);
        const auto cosine = [&](const QString &a, const QString &b) {
            const float *x = matrix.data() + size_t(paths.indexOf(a)) * size_t(dim);
            const float *y = matrix.data() + size_t(paths.indexOf(b)) * size_t(dim);
            double dot = 0, xx = 0, yy = 0;
            for (int i = 0; i < dim; ++i) {
                dot += double(x[i]) * y[i];
                xx += double(x[i]) * x[i];
                yy += double(y[i]) * y[i];
            }
            return dot / std::sqrt(xx * yy);
        };
        const auto fingerprints = [](const QString &a, const QString &b) {
            return std::make_pair(fingerprintImage(decodeImage(a).image), fingerprintImage(decodeImage(b).image));
        };
        double lowestCopyCosine = 1;
        int largestCopyDistance = 0;
        double largestCopyColors = 0;
        for (auto it = m_planted.cbegin(); it != m_planted.cend(); ++it) {
            for (const QString &copy : it.value()) {
                const double c = cosine(photo(it.key()), photo(copy));
                const auto [x, y] = fingerprints(photo(it.key()), photo(copy));
                QVERIFY(x.valid && y.valid);
                qInfo("copy %-26s cosine %.4f, hash distance %2d, color difference %4.1f", qPrintable(copy), c,
                      hashDistance(x.hash, y.hash), colorDifference(x, y));
                lowestCopyCosine = std::min(lowestCopyCosine, c);
                largestCopyDistance = std::max(largestCopyDistance, hashDistance(x.hash, y.hash));
                largestCopyColors = std::max(largestCopyColors, colorDifference(x, y));
            }
        }
        // Same class, different photos: many are as close as copies in this model's embedding, some in the hash,
        // none in both hash and colors.
        int sameClassPairs = 0, aboveThreshold = 0, passHash = 0, passBoth = 0;
        double highestSameClassCosine = -1;
        int smallestDistance = 64;
        double smallestColorsOfPassingHash = 255;
        const QStringList originals = QDir(m_photos).entryList({QStringLiteral("*.jpg")}, QDir::Files);
        for (int i = 0; i < originals.size(); ++i) {
            for (int j = i + 1; j < originals.size(); ++j) {
                if (labelOf(originals[i]) != labelOf(originals[j])) {
                    continue;
                }
                ++sameClassPairs;
                const double c = cosine(photo(originals[i]), photo(originals[j]));
                highestSameClassCosine = std::max(highestSameClassCosine, c);
                if (c < kDefaultDuplicateThreshold) {
                    continue;
                }
                ++aboveThreshold;
                const auto [x, y] = fingerprints(photo(originals[i]), photo(originals[j]));
                const int distance = hashDistance(x.hash, y.hash);
                smallestDistance = std::min(smallestDistance, distance);
                if (distance <= kDefaultMaxHashDistance) {
                    ++passHash;
                    smallestColorsOfPassingHash = std::min(smallestColorsOfPassingHash, colorDifference(x, y));
                    passBoth += colorDifference(x, y) <= kDefaultMaxColorDifference;
                }
            }
        }
        const double harshCosine = cosine(photo(QStringLiteral("img_0003.jpg")), photo(m_harsh));
        const auto [harshX, harshY] = fingerprints(photo(QStringLiteral("img_0003.jpg")), photo(m_harsh));
        qInfo("copies: lowest cosine %.4f, largest hash distance %d, largest color difference %.1f; the quality-60 "
              "copy: cosine %.4f, hash distance %d, color difference %.1f",
              lowestCopyCosine, largestCopyDistance, largestCopyColors, harshCosine,
              hashDistance(harshX.hash, harshY.hash), colorDifference(harshX, harshY));
        qInfo("%d same-class pairs: highest cosine %.4f; %d at or above %.2f, hash distance >= %d; %d of them within "
              "%d bits, color difference >= %.1f; %d pass both checks",
              sameClassPairs, highestSameClassCosine, aboveThreshold, double(kDefaultDuplicateThreshold),
              smallestDistance, passHash, kDefaultMaxHashDistance, smallestColorsOfPassingHash, passBoth);
        QVERIFY(lowestCopyCosine >= kDefaultDuplicateThreshold);
        QVERIFY(harshCosine >= 0.85 && harshCosine < kDefaultDuplicateThreshold);
        QVERIFY(hashDistance(harshX.hash, harshY.hash) <= kDefaultMaxHashDistance);
        QVERIFY(colorDifference(harshX, harshY) <= kDefaultMaxColorDifference);
        QVERIFY(largestCopyDistance <= kDefaultMaxHashDistance);
        QVERIFY(largestCopyColors <= kDefaultMaxColorDifference);
        QVERIFY(aboveThreshold > 0); // the embeddings alone would call different photos duplicates,
        QVERIFY(passHash > 0);       // the hash alone too,
        QCOMPARE(passBoth, 0);       // hash and colors together do not
    }

    void groupsCopiesNotDifferentPhotos()
    {
        const DuplicateReport report = findDuplicates(m_database, m_photos, m_modelId);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QVERIFY(report.unreadable.isEmpty());
        QCOMPARE(report.stats.photos, qint64(104));
        qInfo("%lld similar pairs, %lld checked, %lld confirmed, %lld fingerprinted; %.1f ms",
              report.stats.similarPairs, report.stats.checkedPairs, report.stats.confirmedPairs,
              report.stats.fingerprinted, report.stats.totalMs);
        QCOMPARE(int(report.groups.size()), m_planted.size());
        for (const DuplicateGroup &group : report.groups) {
            const QString keep = QFileInfo(group.keep().path).fileName();
            QVERIFY2(m_planted.contains(keep), qPrintable(keep)); // the original: largest, then earliest
            QStringList expected;
            for (const QString &copy : m_planted.value(keep)) {
                expected << photo(copy);
            }
            expected.sort();
            QCOMPARE(group.duplicatePaths(), expected);
            QVERIFY(group.similarity >= kDefaultDuplicateThreshold && group.similarity <= 1.0f);
            qint64 bytes = 0;
            for (const DuplicatePhoto &p : group.photos) {
                QCOMPARE(p.bytes, QFileInfo(p.path).size());
                QCOMPARE(QSize(p.width, p.height), decodeImage(p.path).image.size());
                QVERIFY(p.date.isValid());
                QCOMPARE(p.date, QFileInfo(p.path).lastModified()); // no EXIF in these files: the file time
                bytes += p.path == group.keep().path ? 0 : p.bytes;
            }
            QCOMPARE(group.duplicateBytes(), bytes);
        }
        // Most bytes to free first.
        for (size_t i = 1; i < report.groups.size(); ++i) {
            QVERIFY(report.groups[i - 1].duplicateBytes() >= report.groups[i].duplicateBytes());
        }
    }

    // A lower threshold reaches the quality-60 copy too, and the second check still keeps different photos apart.
    void lowerThresholdFindsTheHarshCopy()
    {
        DuplicateOptions options;
        options.threshold = 0.85f;
        const DuplicateReport report = findDuplicates(m_database, m_photos, m_modelId, options);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(int(report.groups.size()), m_planted.size() + 1);
        for (const DuplicateGroup &group : report.groups) {
            const QString keep = QFileInfo(group.keep().path).fileName();
            const QStringList copies =
                keep == QLatin1String("img_0003.jpg") ? QStringList{m_harsh} : m_planted.value(keep);
            QStringList expected;
            for (const QString &copy : copies) {
                expected << photo(copy);
            }
            expected.sort();
            QCOMPARE(group.duplicatePaths(), expected);
        }
    }

    // Without the second check the embeddings of this model put different photos of one class together.
    void embeddingsAloneGroupDifferentPhotos()
    {
        DuplicateOptions options;
        options.maxHashDistance = -1;
        options.maxColorDifference = -1;
        options.maxAspectDifference = -1;
        const DuplicateReport report = findDuplicates(m_database, m_photos, m_modelId, options);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.stats.fingerprinted, qint64(0));
        int photosInGroups = 0;
        for (const DuplicateGroup &group : report.groups) {
            photosInGroups += int(group.photos.size());
        }
        QVERIFY2(photosInGroups > 7 + 6, qPrintable(QString::number(photosInGroups)));
        qInfo("%d photos in %zu groups", photosInGroups, report.groups.size());
    }

    void hashesComeFromThePhotoWhenNoThumbnailIsStored()
    {
        DuplicateOptions options;
        std::atomic<int> calls{0};
        options.picture = [&calls](const QString &path, qint64) {
            ++calls;
            return decodeImage(path).image;
        };
        const DuplicateReport withPictures = findDuplicates(m_database, m_photos, m_modelId, options);
        QCOMPARE(int(withPictures.groups.size()), m_planted.size());
        QCOMPARE(qint64(calls), withPictures.stats.fingerprinted);
        // A picture that cannot be had keeps its photo out of every group, named in `unreadable`.
        const QString lost = photo(QStringLiteral("copies/img_0020.png"));
        options.picture = [lost](const QString &path, qint64) {
            return path == lost ? QImage() : decodeImage(path).image;
        };
        const DuplicateReport missing = findDuplicates(m_database, m_photos, m_modelId, options);
        QCOMPARE(int(missing.groups.size()), m_planted.size() - 1);
        QCOMPARE(missing.unreadable, QStringList{lost + QStringLiteral(": cannot be read")});
    }

    // Indexed as the app does (not --exact), a large JPEG is decoded at a reduced DCT scale for the model: a
    // 2416 x 3328 photo and its 1208 x 1664 copy both reach it as 604 x 832. The group still keeps the larger one
    // (though the copy is older) and gives each photo's own size, from its headers.
    void theKeeperIsTheLargestWhenIndexedAtReducedScale()
    {
        const QString folder = m_dir.filePath(QStringLiteral("large"));
        QVERIFY(QDir().mkpath(folder));
        const QImage source(fixture(QStringLiteral("images/img_0059.jpg")));
        QCOMPARE(source.size(), QSize(302, 416));
        const QImage large = source.scaled(source.size() * 8, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        const QString big = folder + QStringLiteral("/big.jpg");
        const QString half = folder + QStringLiteral("/big half.jpg");
        QVERIFY(writeBytes(big, encodeJpeg(large, 90)));
        QVERIFY(writeBytes(
            half, encodeJpeg(large.scaled(large.size() / 2, Qt::IgnoreAspectRatio, Qt::SmoothTransformation), 90)));
        QVERIFY(setModified(big, QDateTime(QDate(2022, 6, 1), QTime(9, 0))));
        QVERIFY(setModified(half, QDateTime(QDate(2020, 6, 1), QTime(9, 0))));
        const QString dataDir = m_dir.filePath(QStringLiteral("data-reduced"));
        const CliRun index =
            runCli({QStringLiteral("index"), folder, QStringLiteral("--model"), fixture(QStringLiteral("model.pt")),
                    QStringLiteral("--data-dir"), dataDir, QStringLiteral("--device"), QStringLiteral("cpu")},
                   QProcessEnvironment::systemEnvironment());
        QVERIFY2(index.exitCode == 0, index.err.constData());

        const DuplicateReport report = findDuplicates(databasePathIn(dataDir), folder, m_modelId);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(int(report.groups.size()), 1);
        const DuplicateGroup &group = report.groups.front();
        QCOMPARE(group.keep().path, QFileInfo(big).canonicalFilePath());
        QCOMPARE(QSize(group.photos[0].width, group.photos[0].height), QSize(2416, 3328));
        QCOMPARE(group.photos[1].path, QFileInfo(half).canonicalFilePath());
        QCOMPARE(QSize(group.photos[1].width, group.photos[1].height), QSize(1208, 1664));
    }

    void thresholdAndErrors()
    {
        DuplicateOptions options;
        options.threshold = 0.9999f;
        const DuplicateReport strict = findDuplicates(m_database, m_photos, m_modelId, options);
        QVERIFY(strict.error.isEmpty());
        QVERIFY(int(strict.groups.size()) < m_planted.size());
        QVERIFY(!findDuplicates(m_dir.filePath(QStringLiteral("nothing.sqlite")), m_photos, m_modelId).error.isEmpty());
        const DuplicateReport otherModel = findDuplicates(m_database, m_photos, QStringLiteral("0123"));
        QVERIFY(otherModel.error.isEmpty());
        QCOMPARE(otherModel.stats.photos, qint64(0));
        std::atomic_bool cancel{true};
        options = DuplicateOptions();
        options.cancel = &cancel;
        QVERIFY(findDuplicates(m_database, m_photos, m_modelId, options).cancelled);
    }
};

QTEST_GUILESS_MAIN(DuplicateFinderTest)
#include "duplicatefindertest.moc"
