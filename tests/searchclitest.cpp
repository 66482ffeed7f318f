// SPDX-License-Identifier: MIT
// clipfind-cli search and similar as other tools call them: a folder of shapes-clip photos indexed with the CLI,
// then --json results checked against the fixture's labels and reference scores, the model taken from
// $CLIPFIND_MODEL, and one-line errors with the documented exit codes.
#include "clirunner.h"
#include "fixturedata.h"

#include <QDir>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind::test;

namespace {

using Run = CliRun;

QString fixture(const QString &relative)
{
    return dataPath(QStringLiteral("shapes-clip/") + relative);
}

} // namespace

class SearchCliTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_photos;
    QString m_dataDir;
    QJsonObject m_labels;

    Run runCli(const QStringList &arguments, bool modelFromEnvironment = false)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("xdg-cache")));
        environment.remove(QStringLiteral("CLIPFIND_MODEL"));
        if (modelFromEnvironment) {
            environment.insert(QStringLiteral("CLIPFIND_MODEL"), fixture(QStringLiteral("model.pt")));
        }
        QStringList all = arguments;
        all << QStringLiteral("--data-dir") << m_dataDir << QStringLiteral("--device") << QStringLiteral("cpu");
        if (!modelFromEnvironment) {
            all << QStringLiteral("--model") << fixture(QStringLiteral("model.pt"));
        }
        return clipfind::test::runCli(all, environment);
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
        m_photos = m_dir.filePath(QStringLiteral("my photos"));
        m_dataDir = m_dir.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(m_photos));
        const QDir images(fixture(QStringLiteral("images")));
        for (const QString &name : images.entryList({QStringLiteral("*.jpg")}, QDir::Files)) {
            QVERIFY(QFile::copy(images.filePath(name), m_photos + QLatin1Char('/') + name));
        }
        m_labels = readJsonObject(fixture(QStringLiteral("labels.json")));
        const Run index = runCli({QStringLiteral("index"), m_photos, QStringLiteral("--exact")});
        QVERIFY2(index.exitCode == 0, index.err.constData());
    }

    void searchJson()
    {
        const Run run = runCli({QStringLiteral("search"), m_photos, QStringLiteral("a red circle"),
                                QStringLiteral("-k"), QStringLiteral("3"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject json = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(json.value(QStringLiteral("query")).toString(), QStringLiteral("a red circle"));
        const QJsonArray results = json.value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), 3);
        // expected_rankings.json: img_0062, img_0059, img_0007 at 0.65312, 0.646977, 0.640008.
        const QStringList files{QStringLiteral("img_0062.jpg"), QStringLiteral("img_0059.jpg"),
                                QStringLiteral("img_0007.jpg")};
        const double scores[] = {0.65312, 0.646977, 0.640008};
        for (int i = 0; i < 3; ++i) {
            const QJsonObject hit = results.at(i).toObject();
            QCOMPARE(QFileInfo(hit.value(QStringLiteral("path")).toString()).fileName(), files[i]);
            QVERIFY(hit.value(QStringLiteral("path"))
                        .toString()
                        .startsWith(QFileInfo(m_photos).canonicalFilePath() + QLatin1Char('/')));
            QVERIFY(std::fabs(hit.value(QStringLiteral("score")).toDouble() - scores[i]) <= 1e-4);
        }
        const QJsonObject timings = json.value(QStringLiteral("timings_ms")).toObject();
        for (const char *stage : {"encode", "score", "total"}) {
            QVERIFY2(timings.value(QLatin1String(stage)).isDouble(), stage);
        }
    }

    void searchTextOutputWithModelFromEnvironment()
    {
        const Run run = runCli({QStringLiteral("search"), m_photos, QStringLiteral("circle - red"),
                                QStringLiteral("-k"), QStringLiteral("3")},
                               true);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        for (const QByteArray &line : lines) {
            const QList<QByteArray> fields = line.split('\t');
            QCOMPARE(fields.size(), 2);
            const QString label = labelOf(QString::fromUtf8(fields[1]));
            QVERIFY2(label.endsWith(QLatin1String(" circle")) && !label.startsWith(QLatin1String("red")),
                     qPrintable(label));
        }
    }

    void cutoffAndDateSort()
    {
        const Run run =
            runCli({QStringLiteral("search"), m_photos, QStringLiteral("a red circle"), QStringLiteral("--cutoff"),
                    QStringLiteral("--sort"), QStringLiteral("date"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonArray results = QJsonDocument::fromJson(run.out).object().value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), 3); // the three red circles; the next (a red square) is 0.25 below
        QDateTime previous;
        for (const QJsonValue &hit : results) {
            QCOMPARE(labelOf(hit[QStringLiteral("path")].toString()), QStringLiteral("red circle"));
            const QDateTime date = QDateTime::fromString(hit[QStringLiteral("date")].toString(), Qt::ISODate);
            QVERIFY(date.isValid());
            QVERIFY(!previous.isValid() || previous >= date);
            previous = date;
        }
    }

    void similarJson()
    {
        const QString blueSquare = [this] {
            for (auto it = m_labels.begin(); it != m_labels.end(); ++it) {
                if (labelOf(it.key()) == QLatin1String("blue square")) {
                    return it.key();
                }
            }
            return QString();
        }();
        const Run run = runCli({QStringLiteral("similar"), m_photos, fixture(QStringLiteral("images/")) + blueSquare,
                                QStringLiteral("-k"), QStringLiteral("3"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonArray results = QJsonDocument::fromJson(run.out).object().value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), 3);
        for (const QJsonValue &hit : results) {
            QCOMPARE(labelOf(hit[QStringLiteral("path")].toString()), QStringLiteral("blue square"));
        }
        QCOMPARE(QFileInfo(results.at(0)[QStringLiteral("path")].toString()).fileName(), blueSquare);
    }

    void errors()
    {
        const Run syntax = runCli({QStringLiteral("search"), m_photos, QStringLiteral("red + ")});
        QCOMPARE(syntax.exitCode, 1);
        QCOMPARE(syntax.err,
                 QByteArray("clipfind-cli: query \"red +\": '+' at the end of the query needs a term after it\n"));
        QVERIFY(syntax.out.isEmpty());

        const QString empty = m_dir.filePath(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(empty));
        const Run notIndexed = runCli({QStringLiteral("search"), empty, QStringLiteral("dog")});
        QCOMPARE(notIndexed.exitCode, 1);
        QVERIFY2(notIndexed.err.contains("no indexed photos") && notIndexed.err.count('\n') == 1,
                 notIndexed.err.constData());

        const Run missingImage =
            runCli({QStringLiteral("similar"), m_photos, m_dir.filePath(QStringLiteral("nope.jpg"))});
        QCOMPARE(missingImage.exitCode, 1);
        QVERIFY2(missingImage.err.contains("nope.jpg does not exist"), missingImage.err.constData());

        const Run badSort = runCli({QStringLiteral("search"), m_photos, QStringLiteral("dog"), QStringLiteral("--sort"),
                                    QStringLiteral("size")});
        QCOMPARE(badSort.exitCode, 2);
        QCOMPARE(badSort.err, QByteArray("clipfind-cli: --sort must be relevance or date, got 'size'\n"));

        const Run badK = runCli(
            {QStringLiteral("search"), m_photos, QStringLiteral("dog"), QStringLiteral("-k"), QStringLiteral("0")});
        QCOMPARE(badK.exitCode, 2);

        const Run noFolder =
            runCli({QStringLiteral("search"), m_dir.filePath(QStringLiteral("missing")), QStringLiteral("dog")});
        QCOMPARE(noFolder.exitCode, 1);
        QVERIFY2(noFolder.err.contains("missing: not a folder"), noFolder.err.constData());
    }
};

QTEST_GUILESS_MAIN(SearchCliTest)
#include "searchclitest.moc"
