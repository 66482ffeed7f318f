// SPDX-License-Identifier: MIT
// moveToTrash() and planTrash() in a temporary home: HOME and XDG_DATA_HOME point into a temporary folder on the same
// volume as the photos, so Qt's freedesktop.org trash is $XDG_DATA_HOME/Trash inside it (never the user's). Files
// move there with a .trashinfo naming where they came from; nothing is deleted; what cannot be trashed says why.
#include "core/duplicates/trash.h"
#include "testfiles.h"

#include <QDir>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

class TrashTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_trash;
    QString m_photos;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString home = m_dir.filePath(QStringLiteral("home"));
        QVERIFY(QDir().mkpath(home + QStringLiteral("/.local/share")));
        qputenv("HOME", home.toUtf8());
        qputenv("XDG_DATA_HOME", (home + QStringLiteral("/.local/share")).toUtf8());
        m_trash = home + QStringLiteral("/.local/share/Trash");
        m_photos = m_dir.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(m_photos + QStringLiteral("/other")));
    }

    void planCountsExistingFiles()
    {
        QVERIFY(writeBytes(m_photos + QStringLiteral("/a.jpg"), QByteArray(1500, 'a')));
        QVERIFY(writeBytes(m_photos + QStringLiteral("/b.heic"), QByteArray(2500, 'b')));
        const TrashPlan plan = planTrash({m_photos + QStringLiteral("/a.jpg"), m_photos + QStringLiteral("/b.heic"),
                                          m_photos + QStringLiteral("/missing.jpg"), m_photos});
        QCOMPARE(plan.files, 2);
        QCOMPARE(plan.bytes, qint64(4000));
        QCOMPARE(plan.question, QStringLiteral("Move 2 files (4.0 kB) to the trash?"));
        QCOMPARE(planTrash({m_photos + QStringLiteral("/a.jpg")}).question,
                 QStringLiteral("Move 1 file (1.5 kB) to the trash?"));
    }

    void movesFilesIntoTheTrash()
    {
        const QString a = m_photos + QStringLiteral("/a.jpg");
        const QString b = m_photos + QStringLiteral("/b.heic");
        const QString sameName = m_photos + QStringLiteral("/other/a.jpg");
        QVERIFY(writeBytes(a, QByteArray(1500, 'a')));
        QVERIFY(writeBytes(b, QByteArray(2500, 'b')));
        QVERIFY(writeBytes(sameName, QByteArray("second a")));
        const QString missing = m_photos + QStringLiteral("/missing.jpg");

        const std::vector<TrashOutcome> outcomes =
            moveToTrash({a, missing, b, sameName, m_photos + QStringLiteral("/other")});
        QCOMPARE(outcomes.size(), size_t(5));
        QCOMPARE(outcomes[0].path, a);
        QVERIFY2(outcomes[0].moved, qPrintable(outcomes[0].error));
        QVERIFY(!outcomes[1].moved);
        QCOMPARE(outcomes[1].error, missing + QStringLiteral(": no such file"));
        QVERIFY2(outcomes[2].moved, qPrintable(outcomes[2].error));
        QVERIFY2(outcomes[3].moved, qPrintable(outcomes[3].error));
        QVERIFY(!outcomes[4].moved); // a folder is not a photo
        QVERIFY(outcomes[4].error.endsWith(QLatin1String(": not a file")));
        QVERIFY(QFileInfo(m_photos + QStringLiteral("/other")).isDir());

        // Gone from the library, whole in the trash (in this test's home), each with its .trashinfo.
        for (int i : {0, 2, 3}) {
            const TrashOutcome &outcome = outcomes[size_t(i)];
            QVERIFY(!QFileInfo::exists(outcome.path));
            QVERIFY2(outcome.pathInTrash.startsWith(m_trash + QStringLiteral("/files/")),
                     qPrintable(outcome.pathInTrash));
            const QString name = QFileInfo(outcome.pathInTrash).fileName();
            const QByteArray info = readBytes(m_trash + QStringLiteral("/info/") + name + QStringLiteral(".trashinfo"));
            QVERIFY2(info.contains("Path=" + QUrl::toPercentEncoding(outcome.path, "/")), info.constData());
            QVERIFY(info.contains("DeletionDate="));
        }
        QCOMPARE(readBytes(outcomes[0].pathInTrash), QByteArray(1500, 'a'));
        QCOMPARE(readBytes(outcomes[2].pathInTrash), QByteArray(2500, 'b'));
        QCOMPARE(readBytes(outcomes[3].pathInTrash), QByteArray("second a")); // same name, kept apart
        QVERIFY(outcomes[0].pathInTrash != outcomes[3].pathInTrash);
        QCOMPARE(QDir(m_trash + QStringLiteral("/files")).entryList(QDir::Files).size(), 3);
    }

    // A file the trash cannot take stays where it is: here the trash's files/ is a plain file, so the move fails (for
    // any user, root included, unlike a read-only folder).
    void aFileThatCannotMoveStays()
    {
        const QString files = m_trash + QStringLiteral("/files");
        QVERIFY(QDir().mkpath(files));
        QVERIFY(QDir().rename(files, files + QStringLiteral(".saved")));
        QVERIFY(writeBytes(files, "not a folder"));
        const QString photo = m_photos + QStringLiteral("/c.jpg");
        QVERIFY(writeBytes(photo, "kept"));
        const std::vector<TrashOutcome> outcomes = moveToTrash({photo});
        QVERIFY(QFile::remove(files));
        QVERIFY(QDir().rename(files + QStringLiteral(".saved"), files));
        QCOMPARE(outcomes.size(), size_t(1));
        QVERIFY(!outcomes[0].moved);
        QVERIFY2(outcomes[0].error.startsWith(photo + QStringLiteral(": cannot move it to the trash (")),
                 qPrintable(outcomes[0].error));
        QCOMPARE(readBytes(photo), QByteArray("kept"));
        QVERIFY(outcomes[0].pathInTrash.isEmpty());
    }

    // When the home trash cannot be made at all (a plain file named Trash), Qt 6.4 moves the file into files/ of the
    // current directory: moveToTrash() puts it back and says why, and removes the .trashinfo Qt wrote there.
    void aTrashThatCannotBeMadeLeavesTheFile()
    {
        const QString saved = m_trash + QStringLiteral(".saved");
        QVERIFY(QDir().rename(m_trash, saved));
        QVERIFY(writeBytes(m_trash, "not a folder"));
        const QString work = m_dir.filePath(QStringLiteral("work"));
        QVERIFY(QDir().mkpath(work));
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(work));
        const QString photo = m_photos + QStringLiteral("/d.jpg");
        QVERIFY(writeBytes(photo, "stays"));
        const std::vector<TrashOutcome> outcomes = moveToTrash({photo});
        QVERIFY(QDir::setCurrent(before));
        QVERIFY(QFile::remove(m_trash));
        QVERIFY(QDir().rename(saved, m_trash));
        QCOMPARE(outcomes.size(), size_t(1));
        QVERIFY(!outcomes[0].moved);
        QCOMPARE(outcomes[0].error,
                 photo + QStringLiteral(": cannot move it to the trash (the trash folder cannot be made)"));
        QCOMPARE(readBytes(photo), QByteArray("stays"));
        QVERIFY(!QFileInfo::exists(work + QStringLiteral("/files/d.jpg")));
        QVERIFY(!QFileInfo::exists(work + QStringLiteral("/info/d.jpg.trashinfo")));
    }
};

QTEST_GUILESS_MAIN(TrashTest)
#include "trashtest.moc"
