// SPDX-License-Identifier: MIT
// clipfind-cli duplicates as other tools call it: shapes-clip fixture photos (several of one class) and copies made at
// run time, indexed with the CLI; --json groups each copy with its original (the original to keep), different photos
// of one class stay apart; the text output, --threshold and the documented errors and exit codes.
#include "clirunner.h"
#include "fixturedata.h"
#include "photowriters.h"
#include "testfiles.h"

#include <QDir>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind::test;

namespace {

QString fixture(const QString &relative)
{
    return dataPath(QStringLiteral("shapes-clip/") + relative);
}

} // namespace

class DuplicatesCliTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_photos;
    QString m_dataDir;

    CliRun run(QStringList arguments)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("xdg-cache")));
        arguments << QStringLiteral("--model") << fixture(QStringLiteral("model.pt")) << QStringLiteral("--data-dir")
                  << m_dataDir;
        return runCli(arguments, environment);
    }

    QString canonical(const QString &name) const
    {
        return QFileInfo(m_photos + QLatin1Char('/') + name).canonicalFilePath();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_photos = m_dir.filePath(QStringLiteral("photos"));
        m_dataDir = m_dir.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(m_photos));
        // Three red circles, three blue squares (labels.json), two unrelated photos.
        for (const char *name : {"img_0007.jpg", "img_0059.jpg", "img_0062.jpg", "img_0022.jpg", "img_0031.jpg",
                                 "img_0072.jpg", "img_0001.jpg", "img_0004.jpg"}) {
            QVERIFY(QFile::copy(fixture(QStringLiteral("images/")) + QLatin1String(name),
                                m_photos + QLatin1Char('/') + QLatin1String(name)));
        }
        const QImage circle(fixture(QStringLiteral("images/img_0007.jpg")));
        QVERIFY(writeBytes(m_photos + QStringLiteral("/circle copy.jpg"), encodeJpeg(circle, 85)));
        const QImage square(fixture(QStringLiteral("images/img_0022.jpg")));
        QVERIFY(writeBytes(
            m_photos + QStringLiteral("/square small.jpg"),
            encodeJpeg(square.scaled(square.size() * 0.6, Qt::IgnoreAspectRatio, Qt::SmoothTransformation), 90)));
        const CliRun index =
            run({QStringLiteral("index"), m_photos, QStringLiteral("--device"), QStringLiteral("cpu")});
        QVERIFY2(index.exitCode == 0, index.err.constData());
    }

    void json()
    {
        const CliRun result = run({QStringLiteral("duplicates"), m_photos, QStringLiteral("--json")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const QJsonObject out = QJsonDocument::fromJson(result.out).object();
        const QJsonArray groups = out.value(QStringLiteral("groups")).toArray();
        QCOMPARE(groups.size(), 2);
        QSet<QString> seen;
        for (const QJsonValue &value : groups) {
            const QJsonObject group = value.toObject();
            const QString keep = group.value(QStringLiteral("keep")).toString();
            QStringList paths;
            for (const QJsonValue &path : group.value(QStringLiteral("paths")).toArray()) {
                paths << path.toString();
            }
            QCOMPARE(paths.first(), keep); // every photo of the group, the one to keep first
            if (keep == canonical(QStringLiteral("img_0007.jpg"))) {
                QCOMPARE(paths, (QStringList{keep, canonical(QStringLiteral("circle copy.jpg"))}));
            } else {
                QCOMPARE(keep, canonical(QStringLiteral("img_0022.jpg"))); // larger than its 60% copy
                QCOMPARE(paths, (QStringList{keep, canonical(QStringLiteral("square small.jpg"))}));
            }
            seen.insert(keep);
            const double similarity = group.value(QStringLiteral("similarity")).toDouble();
            QVERIFY2(similarity >= 0.9 && similarity <= 1.0, qPrintable(QString::number(similarity)));
            const QJsonArray photos = group.value(QStringLiteral("photos")).toArray();
            QCOMPARE(photos.size(), paths.size());
            const QJsonObject kept = photos.at(0).toObject();
            QCOMPARE(kept.value(QStringLiteral("path")).toString(), keep);
            QCOMPARE(kept.value(QStringLiteral("bytes")).toInteger(), QFileInfo(keep).size());
            QCOMPARE(QSize(kept.value(QStringLiteral("width")).toInt(), kept.value(QStringLiteral("height")).toInt()),
                     QImage(keep).size());
            QVERIFY(QDateTime::fromString(kept.value(QStringLiteral("date")).toString(), Qt::ISODate).isValid());
            QCOMPARE(group.value(QStringLiteral("bytes_to_free")).toInteger(), QFileInfo(paths.at(1)).size());
        }
        QCOMPARE(seen.size(), 2);
        QVERIFY(out.value(QStringLiteral("unreadable")).toArray().isEmpty());
        // Nothing was moved.
        QCOMPARE(QDir(m_photos).entryList(QDir::Files).size(), 10);
    }

    void text()
    {
        const CliRun result =
            run({QStringLiteral("duplicates"), m_photos, QStringLiteral("--threshold"), QStringLiteral("0.95")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const QList<QByteArray> lines = result.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 6); // two groups: a header and two photos each
        QVERIFY2(lines[0].startsWith("group 1: 2 photos, similarity 0."), lines[0].constData());
        QVERIFY2(lines[1].startsWith("  keep "), lines[1].constData());
        QVERIFY(result.err.contains("2 group(s), 2 duplicate photo(s)"));
    }

    void errors()
    {
        CliRun result =
            run({QStringLiteral("duplicates"), m_photos, QStringLiteral("--threshold"), QStringLiteral("2")});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.startsWith("clipfind-cli: --threshold needs a cosine in (0, 1]"), result.err.constData());
        QCOMPARE(run({QStringLiteral("duplicates")}).exitCode, 2);
        result = run({QStringLiteral("duplicates"), m_dir.filePath(QStringLiteral("missing"))});
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.err.endsWith("missing: not a folder\n"));
        const QString empty = m_dir.filePath(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(empty));
        result = run({QStringLiteral("duplicates"), empty});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains("no indexed photos for this model"), result.err.constData());
        QCOMPARE(result.err.count('\n'), 1);
    }
};

QTEST_GUILESS_MAIN(DuplicatesCliTest)
#include "duplicatesclitest.moc"
