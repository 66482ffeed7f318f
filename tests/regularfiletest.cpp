// SPDX-License-Identifier: MIT
// RegularFile (issue 11): photos and model files are read only when they are regular files, checked on the opened
// descriptor, and never past the size they had when opened.
#include "core/scan/regularfile.h"
#include "core/store/filehash.h"
#include "testfiles.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace clipfind;

class RegularFileTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void readsARegularFileAndALinkToOne()
    {
        const QString path = m_dir.filePath(QStringLiteral("photo.jpg"));
        QVERIFY(test::writeBytes(path, "0123456789"));
        const QString link = m_dir.filePath(QStringLiteral("link.jpg"));
        QVERIFY(QFile::link(path, link));
        for (const QString &name : {path, link}) {
            QByteArray bytes;
            QString error;
            QVERIFY2(readRegularFile(name, 100, &bytes, &error), qPrintable(error));
            QCOMPARE(bytes, QByteArray("0123456789"));
        }
        RegularFile file;
        QString error;
        QVERIFY(file.open(path, &error));
        QCOMPARE(file.size(), qint64(10));
        QByteArray part;
        QVERIFY(file.read(7, 3, &part, &error));
        QCOMPARE(part, QByteArray("789"));
        QVERIFY(!file.read(8, 3, &part, &error)); // past the size seen at open
        QVERIFY2(error.contains(QStringLiteral("outside the file")), qPrintable(error));
    }

    // Refused at once, without blocking on the FIFO or reading the endless device.
    void refusesWhatIsNotARegularFile_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("problem");
        QTest::newRow("FIFO") << QStringLiteral("fifo.jpg") << QStringLiteral("not a regular file (a FIFO)");
        QTest::newRow("link to /dev/zero")
            << QStringLiteral("zero.jpg") << QStringLiteral("not a regular file (a character device)");
        QTest::newRow("folder") << QStringLiteral("folder.jpg") << QStringLiteral("is a directory");
        QTest::newRow("missing") << QStringLiteral("missing.jpg") << QStringLiteral("file not found");
        QTest::newRow("dangling link") << QStringLiteral("dangling.jpg") << QStringLiteral("file not found");
    }

    void refusesWhatIsNotARegularFile()
    {
        QFETCH(QString, name);
        QFETCH(QString, problem);
        const QString path = m_dir.filePath(name);
        if (name == QLatin1String("fifo.jpg")) {
            QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
        } else if (name == QLatin1String("zero.jpg")) {
            QVERIFY(QFile::link(QStringLiteral("/dev/zero"), path));
        } else if (name == QLatin1String("folder.jpg")) {
            QVERIFY(QDir().mkdir(path));
        } else if (name == QLatin1String("dangling.jpg")) {
            QVERIFY(QFile::link(m_dir.filePath(QStringLiteral("nowhere")), path));
        }
        QElapsedTimer timer;
        timer.start();
        QByteArray bytes;
        QString error;
        QVERIFY(!readRegularFile(path, 1 << 20, &bytes, &error));
        QCOMPARE(error, problem);
        QVERIFY(bytes.isEmpty());
        // The hashes the indexer and the model checks take go through the same door.
        QString hashError;
        QVERIFY(contentHash(path, &hashError).isEmpty());
        QVERIFY2(hashError.endsWith(problem), qPrintable(hashError));
        QVERIFY(sha256OfFile(path, &hashError).isEmpty());
        QVERIFY2(hashError.endsWith(problem), qPrintable(hashError));
        QVERIFY(timer.elapsed() < 5000);
    }

    // A file that shrinks after it was opened is an error, one that grows is read up to its size at open.
    void readsNoMoreThanTheSizeAtOpen()
    {
        const QString path = m_dir.filePath(QStringLiteral("changing.jpg"));
        QVERIFY(test::writeBytes(path, QByteArray(1000, 'a')));
        RegularFile file;
        QString error;
        QVERIFY(file.open(path, &error));
        {
            QFile grow(path);
            QVERIFY(grow.open(QIODevice::Append));
            QCOMPARE(grow.write(QByteArray(5000, 'b')), qint64(5000));
        }
        QByteArray bytes;
        QVERIFY(file.read(0, file.size(), &bytes, &error));
        QCOMPARE(bytes, QByteArray(1000, 'a'));
        QCOMPARE(::truncate(QFile::encodeName(path).constData(), 10), 0);
        QVERIFY(!file.read(0, file.size(), &bytes, &error));
        QCOMPARE(error, QStringLiteral("the file shrank while it was read (10 of 1000 bytes)"));
    }

    void tooLargeIsRefusedBeforeReading()
    {
        const QString path = m_dir.filePath(QStringLiteral("big.jpg"));
        QVERIFY(test::writeBytes(path, QByteArray(3 << 20, 'x')));
        QByteArray bytes;
        QString error;
        QVERIFY(!readRegularFile(path, 1 << 20, &bytes, &error));
        QCOMPARE(error, QStringLiteral("file is too large (3 MB)"));
    }
};

QTEST_GUILESS_MAIN(RegularFileTest)
#include "regularfiletest.moc"
