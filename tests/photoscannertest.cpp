// SPDX-License-Identifier: MIT
#include "core/scan/photoscanner.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace clipfind;

namespace {

// Creates `relPath` (and its folders) below `root` with `bytes` bytes of content.
void makeFile(const QString &root, const QString &relPath, int bytes = 0)
{
    const QString path = root + QLatin1Char('/') + relPath;
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    file.write(QByteArray(bytes, 'x'));
}

void makeLink(const QString &target, const QString &link)
{
    QVERIFY2(::symlink(QFile::encodeName(target).constData(), QFile::encodeName(link).constData()) == 0,
             qPrintable(link));
}

QStringList relativePaths(const ScanResult &result, const QString &root)
{
    const QString prefix = QFileInfo(root).canonicalFilePath() + QLatin1Char('/');
    QStringList paths;
    for (const ScannedFile &file : result.files) {
        paths.append(file.path.startsWith(prefix) ? file.path.mid(prefix.size()) : file.path);
    }
    return paths;
}

} // namespace

class PhotoScannerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void extensionsAnyCase()
    {
        QVERIFY(isPhotoFileName(QStringLiteral("IMG.JPG")));
        QVERIFY(isPhotoFileName(QStringLiteral("a.Jpeg")));
        QVERIFY(isPhotoFileName(QStringLiteral("x.WebP")));
        QVERIFY(isPhotoFileName(QStringLiteral("x.tif")));
        for (const char *name : {"a.HEIC", "a.heif", "a.HIF", "a.avif", "a.dng", "a.CR2", "a.cr3", "a.NEF", "a.arw",
                                 "a.RAF", "a.orf", "a.RW2"}) {
            QVERIFY2(isPhotoFileName(QLatin1String(name)), name);
        }
        QVERIFY(!isPhotoFileName(QStringLiteral("a.heic.xmp")));
        QVERIFY(!isPhotoFileName(QStringLiteral("jpg")));
        QVERIFY(!isPhotoFileName(QStringLiteral("x.jpg.txt")));
        QVERIFY(!isPhotoFileName(QStringLiteral("video.mp4")));
    }

    void findsPhotosSkipsOthersAndHidden()
    {
        QTemporaryDir dir;
        const QString root = dir.path();
        for (const char *name : {"IMG.JPG", "a.Jpeg", "b.tiff", "c.gif", "d.PNG", "e.webp", "f.bmp", "g.TIF",
                                 "notes.txt", "video.mp4", ".hidden.jpg", ".thumbs/t.jpg", "sub/deep/h.jpg"}) {
            makeFile(root, QString::fromUtf8(name));
        }
        const ScanResult result = scanPhotos(root, {});
        QCOMPARE(relativePaths(result, root), QStringList({"IMG.JPG", "a.Jpeg", "b.tiff", "c.gif", "d.PNG", "e.webp",
                                                           "f.bmp", "g.TIF", "sub/deep/h.jpg"}));
        QVERIFY(result.problems.empty());
        QVERIFY(!result.cancelled);
    }

    void recursionOff()
    {
        QTemporaryDir dir;
        makeFile(dir.path(), QStringLiteral("top.jpg"));
        makeFile(dir.path(), QStringLiteral("sub/below.jpg"));
        ScanOptions options;
        options.recursive = false;
        QCOMPARE(relativePaths(scanPhotos(dir.path(), options), dir.path()), QStringList{"top.jpg"});
    }

    void excludePatterns()
    {
        QTemporaryDir dir;
        for (const char *name :
             {"keep.jpg", "x.tmp.jpg", "raw/r.jpg", "2021/raw/in.jpg", "2021/trash/t.jpg", "2021/ok.jpg"}) {
            makeFile(dir.path(), QString::fromUtf8(name));
        }
        ScanOptions options;
        // By name (a file and any folder called "RAW", case-insensitive) and by relative path.
        options.excludePatterns = {QStringLiteral("*.tmp.jpg"), QStringLiteral("RAW"), QStringLiteral("2021/trash")};
        QCOMPARE(relativePaths(scanPhotos(dir.path(), options), dir.path()), QStringList({"2021/ok.jpg", "keep.jpg"}));
    }

    void symlinksAndLoops()
    {
        QTemporaryDir dir;
        QTemporaryDir outside;
        const QString root = dir.path();
        makeFile(root, QStringLiteral("a/b/photo.jpg"));
        makeFile(root, QStringLiteral("target/t.jpg"));
        makeFile(outside.path(), QStringLiteral("out.jpg"));
        makeLink(root + QStringLiteral("/a"), root + QStringLiteral("/a/b/loop"));           // loop a/b/loop -> a
        makeLink(root + QStringLiteral("/target"), root + QStringLiteral("/link1"));         // two links to one
        makeLink(root + QStringLiteral("/target"), root + QStringLiteral("/link2"));         // folder
        makeLink(root + QStringLiteral("/a/b/photo.jpg"), root + QStringLiteral("/in.jpg")); // file inside
        makeLink(outside.path() + QStringLiteral("/out.jpg"), root + QStringLiteral("/o.jpg"));
        makeLink(root + QStringLiteral("/missing"), root + QStringLiteral("/dangling"));
        makeLink(root + QStringLiteral("/self"), root + QStringLiteral("/self"));

        const ScanResult result = scanPhotos(root, {});
        const QString outCanonical = QFileInfo(outside.path() + QStringLiteral("/out.jpg")).canonicalFilePath();
        QStringList found = relativePaths(result, root);
        found.sort();
        QStringList expected = {"a/b/photo.jpg", "target/t.jpg", outCanonical};
        expected.sort();
        QCOMPARE(found, expected);
        QCOMPARE(int(result.problems.size()), 2);
        QStringList problems;
        for (const ScanProblem &problem : result.problems) {
            problems.append(QFileInfo(problem.path).fileName() + QLatin1Char(' ') + problem.reason);
        }
        problems.sort();
        QCOMPARE(problems, QStringList({"dangling dangling symbolic link", "self symbolic link loop"}));
    }

    void nonUtf8Name()
    {
        QTemporaryDir dir;
        makeFile(dir.path(), QStringLiteral("ok.jpg"));
        const QByteArray bad = QFile::encodeName(dir.path()) + "/caf\xe9.jpg";
        const int fd = ::open(bad.constData(), O_CREAT | O_WRONLY, 0644);
        QVERIFY(fd >= 0);
        ::close(fd);
        const ScanResult result = scanPhotos(dir.path(), {});
        QCOMPARE(relativePaths(result, dir.path()), QStringList{"ok.jpg"});
        QCOMPARE(int(result.problems.size()), 1);
        QCOMPARE(result.problems[0].reason, QStringLiteral("file name is not valid UTF-8"));
        QVERIFY(result.problems[0].path.endsWith(QStringLiteral("caf\uFFFD.jpg")));
        // QTemporaryDir cannot remove a name it cannot represent either.
        QCOMPARE(::unlink(bad.constData()), 0);
    }

    void missingRoot()
    {
        const ScanResult result = scanPhotos(QStringLiteral("/nonexistent/clipfind-photos"), {});
        QVERIFY(result.files.empty());
        QCOMPARE(int(result.problems.size()), 1);
        QCOMPARE(result.problems[0].reason, QStringLiteral("cannot read folder: No such file or directory"));
    }

    void sizesAndMtimes()
    {
        QTemporaryDir dir;
        makeFile(dir.path(), QStringLiteral("one.jpg"), 123);
        makeFile(dir.path(), QStringLiteral("two.png"), 4567);
        const ScanResult result = scanPhotos(dir.path(), {});
        QCOMPARE(int(result.files.size()), 2);
        for (const ScannedFile &file : result.files) {
            const QFileInfo info(file.path);
            QCOMPARE(file.size, info.size());
            const qint64 expectedNs = info.lastModified().toMSecsSinceEpoch() * 1000000;
            QVERIFY(file.mtimeNs >= expectedNs && file.mtimeNs < expectedNs + 1000000);
            struct stat st {};
            QCOMPARE(::stat(QFile::encodeName(file.path).constData(), &st), 0);
            QCOMPARE(file.mtimeNs, qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec);
        }
    }

    void cancelFromProgress()
    {
        QTemporaryDir dir;
        for (int i = 0; i < 50; ++i) {
            makeFile(dir.path(), QStringLiteral("d%1/p.jpg").arg(i));
        }
        std::atomic_bool cancel{false};
        int calls = 0;
        const ScanResult result = scanPhotos(dir.path(), {}, &cancel, [&](qint64 found) {
            ++calls;
            QVERIFY(found > 0);
            cancel = true;
        });
        QVERIFY(result.cancelled);
        QVERIFY(calls >= 1);
        QVERIFY(result.files.size() < 50);
    }

    void scanOneFolder()
    {
        QTemporaryDir dir;
        for (const char *name : {"top.jpg", "notes.txt", "sub1/x.jpg", "sub2/y.jpg", ".hid/z.jpg", "skip/w.jpg"}) {
            makeFile(dir.path(), QString::fromUtf8(name));
        }
        ScanOptions options;
        options.excludePatterns = {QStringLiteral("skip")};
        QStringList subfolders;
        const ScanResult result = scanFolder(dir.path(), options, &subfolders);
        QCOMPARE(relativePaths(result, dir.path()), QStringList{"top.jpg"});
        const QString canonical = QFileInfo(dir.path()).canonicalFilePath();
        QCOMPARE(subfolders, QStringList({canonical + "/sub1", canonical + "/sub2"}));
        QCOMPARE(listSubfolders(dir.path(), options), subfolders);

        // Relative exclude patterns are taken from the given root.
        options.excludePatterns = {QStringLiteral("sub1/*.jpg")};
        QCOMPARE(int(scanFolder(canonical + "/sub1", options, nullptr, dir.path()).files.size()), 0);
        QCOMPARE(int(scanFolder(canonical + "/sub1", options, nullptr).files.size()), 1);

        // A folder deleted since it was reported is simply empty.
        const ScanResult gone = scanFolder(canonical + "/gone", options, &subfolders);
        QVERIFY(gone.files.empty() && gone.problems.empty() && subfolders.isEmpty());
    }

    void tenThousandFiles()
    {
        QTemporaryDir dir;
        const QByteArray root = QFile::encodeName(dir.path());
        for (int d = 0; d < 100; ++d) {
            const QByteArray folder = root + "/folder" + QByteArray::number(d);
            QCOMPARE(::mkdir(folder.constData(), 0755), 0);
            for (int f = 0; f < 100; ++f) {
                const QByteArray path = folder + "/IMG_" + QByteArray::number(f) + ".jpg";
                const int fd = ::open(path.constData(), O_CREAT | O_WRONLY, 0644);
                QVERIFY(fd >= 0);
                ::close(fd);
            }
        }
        QElapsedTimer timer;
        timer.start();
        const ScanResult first = scanPhotos(dir.path(), {});
        const qint64 firstMs = timer.restart();
        const ScanResult second = scanPhotos(dir.path(), {});
        qInfo("10,000 files: first scan %lld ms, second scan %lld ms", firstMs, timer.elapsed());
        QCOMPARE(int(first.files.size()), 10000);
        QCOMPARE(int(second.files.size()), 10000);
    }
};

QTEST_GUILESS_MAIN(PhotoScannerTest)
#include "photoscannertest.moc"
