// SPDX-License-Identifier: MIT
// ModelDownloader against a local HTTP server (127.0.0.1, started here) serving the tiny OpenAI fixture model:
// install, resume, hash mismatch, 404, unreachable host, cancel, disk space. The expected SHA-256 is the one the
// fixture generator recorded (tests/data/tiny-openai/expected.json), never one computed by our code.
#include "fixturedata.h"
#include "localhttpserver.h"
#include "testfiles.h"

#include "core/download/modeldownloader.h"
#include "core/store/filehash.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

QString fixtureSha256()
{
    return readExpected(QStringLiteral("tiny-openai")).json.value(QStringLiteral("sha256")).toString();
}

} // namespace

class ModelDownloaderTest : public QObject
{
    Q_OBJECT

private:
    QByteArray m_model;
    QString m_sha256;

    DownloadSource source(const LocalHttpServer &server, const QString &dir, const QString &path,
                          const QString &sha256 = {}) const
    {
        DownloadSource s;
        s.url = QUrl(server.url(path));
        s.targetPath = QDir(dir).filePath(QStringLiteral("tiny/model.pt"));
        s.expectedSha256 = sha256;
        return s;
    }

    // A folder model served like Hugging Face serves clip-ViT-B-32-multilingual-v1: the tiny sentence-transformers
    // fixture's files, the weights behind resolve/ redirects that publish their SHA-256 (X-Linked-Etag), the small
    // text files served directly. The expected hashes are the fixture generator's (expected.json), never ours.
    static QStringList folderFiles()
    {
        return {QStringLiteral("config.json"),
                QStringLiteral("modules.json"),
                QStringLiteral("tokenizer.json"),
                QStringLiteral("vocab.txt"),
                QStringLiteral("1_Pooling/config.json"),
                QStringLiteral("2_Dense/config.json"),
                QStringLiteral("2_Dense/model.safetensors"),
                QStringLiteral("model.safetensors")};
    }

    static QString folderFixture(const QString &file)
    {
        return dataPath(QStringLiteral("multilingual/tiny-st-multilingual/") + file);
    }

    static QString folderSha256(const QString &file)
    {
        static const QJsonObject hashes =
            readJsonObject(folderFixture(QStringLiteral("expected.json"))).value(QStringLiteral("sha256")).toObject();
        return hashes.value(file).toString();
    }

    static void serveFolder(LocalHttpServer &server)
    {
        for (const QString &file : folderFiles()) {
            const QByteArray path = "/st/resolve/main/" + file.toUtf8();
            const QByteArray bytes = readBytes(folderFixture(file));
            if (file.endsWith(QLatin1String(".safetensors"))) {
                server.addRedirect(path, "/cdn/" + file.toUtf8(),
                                   {"X-Linked-Etag: \"" + folderSha256(file).toLatin1() + '"'});
                server.addFile("/cdn/" + file.toUtf8(), bytes);
            } else {
                server.addFile(path, bytes);
            }
        }
    }

    // The manifest's view of it: 2_Dense's weights pinned, model.safetensors checked against the published hash,
    // exact sizes for the small files.
    static DownloadSource folderSource(const LocalHttpServer &server, const QString &dir)
    {
        DownloadSource s;
        s.targetPath = QDir(dir).filePath(QStringLiteral("st-model"));
        s.format = QStringLiteral("sentence-transformers");
        s.kind = QStringLiteral("multilingual-text");
        s.modelName = QStringLiteral("tiny-st");
        for (const QString &file : folderFiles()) {
            DownloadFile f;
            f.url = QUrl(server.url(QStringLiteral("/st/resolve/main/") + file));
            f.relativePath = file;
            f.expectedSize = QFileInfo(folderFixture(file)).size();
            f.requiresSha256 = file.endsWith(QLatin1String(".safetensors"));
            if (file == QLatin1String("2_Dense/model.safetensors")) {
                f.expectedSha256 = folderSha256(file);
            }
            s.expectedSize += f.expectedSize;
            s.files << f;
        }
        return s;
    }

private Q_SLOTS:
    void initTestCase()
    {
        bypassProxies();
        m_model = readBytes(dataPath(QStringLiteral("tiny-openai/model.pt")));
        m_sha256 = fixtureSha256();
        QVERIFY(m_model.size() > 1000000);
        QCOMPARE(m_sha256.size(), 64);
    }

    void downloadsVerifiesAndInstalls()
    {
        // Like Hugging Face: resolve/ answers 302 with the file's SHA-256 in X-Linked-Etag, the CDN serves it.
        LocalHttpServer server;
        QVERIFY(server.start());
        server.addRedirect(
            "/org/tiny/resolve/main/model.pt", "/cdn/blob",
            {"X-Linked-Etag: \"" + m_sha256.toLatin1() + '"', "X-Linked-Size: " + QByteArray::number(m_model.size())});
        server.addFile("/cdn/blob", m_model);
        QTemporaryDir dir;
        ModelDownloader downloader{ModelManifest()};
        QSignalSpy progress(&downloader, &ModelDownloader::progress);
        const DownloadResult result =
            downloader.run({source(server, dir.path(), QStringLiteral("/org/tiny/resolve/main/model.pt"))});
        QVERIFY2(result.ok, qPrintable(result.error));
        const QString target = dir.filePath(QStringLiteral("tiny/model.pt"));
        QCOMPARE(result.path, target);
        QString error;
        QCOMPARE(sha256OfFile(target, &error), m_sha256);
        QCOMPARE(result.check.sha256, m_sha256);
        QCOMPARE(result.check.format, QStringLiteral("openai-torchscript"));
        QVERIFY2(result.check.hashSource.contains(QLatin1String("X-Linked-Etag")), qPrintable(result.check.hashSource));
        QCOMPARE(entriesUnder(dir.path()),
                 (QStringList{QStringLiteral("tiny"), QStringLiteral("tiny/model.pt")})); // no part file left
        QVERIFY(!progress.isEmpty());
        const auto last = progress.last().first().value<DownloadProgress>();
        QCOMPARE(last.received, qint64(m_model.size()));
        QCOMPARE(last.total, qint64(m_model.size()));
        QVERIFY(last.text().contains(formatBytes(m_model.size())));
    }

    void resumesAfterTheServerDropsTheConnection()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        server.addFile("/model.pt", m_model);
        const qint64 dropAt = 5000000;
        server.dropAfter("/model.pt", dropAt);
        QTemporaryDir dir;
        ModelDownloader downloader{ModelManifest()};
        const DownloadResult result =
            downloader.run({source(server, dir.path(), QStringLiteral("/model.pt"), m_sha256)});
        QVERIFY2(result.ok, qPrintable(result.error));
        const QList<LocalHttpServer::Request> requests = server.requestsFor("/model.pt");
        // Usually two requests; on a loaded machine a stalled read may be resumed once more before the drop. Never
        // from the start again, and the last one fetches exactly the rest after the drop.
        QVERIFY2(requests.size() >= 2 && requests.size() <= 3, qPrintable(QString::number(requests.size())));
        QCOMPARE(requests.first().range, QByteArray());
        for (qsizetype i = 1; i < requests.size(); ++i) {
            QVERIFY2(requests[i].range.startsWith("bytes="), requests[i].range.constData());
        }
        QCOMPARE(requests.last().range, "bytes=" + QByteArray::number(dropAt) + '-'); // only the rest was fetched again
        QString error;
        QCOMPARE(sha256OfFile(result.path, &error), m_sha256);
    }

    void resumesAnInterruptedDownloadOnTheNextRun()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        server.addFile("/model.pt", m_model);
        const qint64 dropAt = 3000000;
        server.dropAfter("/model.pt", dropAt);
        QTemporaryDir dir;
        const QString part = dir.filePath(QStringLiteral("tiny/model.pt.part"));
        {
            ModelDownloader downloader{ModelManifest()};
            downloader.setMaxResumes(0);
            const DownloadResult result =
                downloader.run({source(server, dir.path(), QStringLiteral("/model.pt"), m_sha256)});
            QVERIFY(!result.ok);
            QVERIFY2(result.error.contains(server.url(QStringLiteral("/model.pt"))), qPrintable(result.error));
            QCOMPARE(QFileInfo(part).size(), dropAt);
            QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("tiny/model.pt"))));
        }
        ModelDownloader downloader{ModelManifest()};
        const DownloadResult result =
            downloader.run({source(server, dir.path(), QStringLiteral("/model.pt"), m_sha256)});
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(server.requestsFor("/model.pt").last().range, "bytes=" + QByteArray::number(dropAt) + '-');
        QString error;
        QCOMPARE(sha256OfFile(result.path, &error), m_sha256);
        QCOMPARE(entriesUnder(dir.path()), (QStringList{QStringLiteral("tiny"), QStringLiteral("tiny/model.pt")}));
    }

    void verifiesACompletePartFileWithoutDownloadingAgain()
    {
        // An earlier run got every byte but stopped before verifying: the server answers the resume request with
        // 416 and the whole size, and the part file is verified and installed as it is.
        LocalHttpServer server;
        QVERIFY(server.start());
        server.addFile("/model.pt", m_model);
        server.dropAfter("/model.pt", m_model.size() - 1000);
        QTemporaryDir dir;
        {
            ModelDownloader downloader{ModelManifest()};
            downloader.setMaxResumes(0);
            QVERIFY(!downloader.run({source(server, dir.path(), QStringLiteral("/model.pt"), m_sha256)}).ok);
        }
        const QString part = dir.filePath(QStringLiteral("tiny/model.pt.part"));
        QFile file(part);
        QVERIFY(file.open(QIODevice::Append));
        QCOMPARE(file.write(m_model.right(1000)), qint64(1000)); // as if the last bytes had arrived
        file.close();
        ModelDownloader downloader{ModelManifest()};
        const DownloadResult result =
            downloader.run({source(server, dir.path(), QStringLiteral("/model.pt"), m_sha256)});
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(server.requestsFor("/model.pt").last().range, "bytes=" + QByteArray::number(m_model.size()) + '-');
        QCOMPARE(server.requestsFor("/model.pt").size(), 2);
        QCOMPARE(entriesUnder(dir.path()), (QStringList{QStringLiteral("tiny"), QStringLiteral("tiny/model.pt")}));
    }

    void rejectsAHashMismatchAndDeletesTheFile()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        server.addFile("/model.pt", m_model);
        // The server publishes a hash that is not the file's (corrupted mirror, tampered file).
        const QByteArray wrong(64, 'a');
        server.addFile("/published.pt", m_model, {"X-Linked-Etag: \"" + wrong + '"'});
        QTemporaryDir dir;
        ModelDownloader downloader{ModelManifest()};
        QString expectedWrong(64, QLatin1Char('0'));
        DownloadResult result =
            downloader.run({source(server, dir.path(), QStringLiteral("/model.pt"), expectedWrong)});
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(QLatin1String("SHA-256 mismatch")), qPrintable(result.error));
        QVERIFY2(result.error.contains(QLatin1String("deleted")), qPrintable(result.error));
        QVERIFY2(result.error.contains(m_sha256), qPrintable(result.error)); // says what it got
        QCOMPARE(entriesUnder(dir.path()), QStringList());

        result = downloader.run({source(server, dir.path(), QStringLiteral("/published.pt"))});
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(QLatin1String("SHA-256 mismatch"))
                     && result.error.contains(QLatin1String(wrong)),
                 qPrintable(result.error));
        QCOMPARE(entriesUnder(dir.path()), QStringList());
    }

    void rejectsAFileThatIsNotAModel()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        const QByteArray page = "<html>Please log in</html>"; // what a captive portal or a wrong URL gives
        server.addFile("/model.pt", page);
        QTemporaryDir dir;
        ModelDownloader downloader{ModelManifest()};
        const DownloadResult result = downloader.run({source(server, dir.path(), QStringLiteral("/model.pt"))});
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(QLatin1String("unknown format")), qPrintable(result.error));
        QCOMPARE(entriesUnder(dir.path()), QStringList());
    }

    void reports404AndTriesTheNextSource()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        QTemporaryDir dir;
        ModelDownloader downloader{ModelManifest()};
        DownloadResult result = downloader.run({source(server, dir.path(), QStringLiteral("/missing.pt"))});
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(server.url(QStringLiteral("/missing.pt")) + QStringLiteral(": HTTP 404")),
                 qPrintable(result.error));
        QCOMPARE(entriesUnder(dir.path()), QStringList());

        server.addFile("/model.pt", m_model);
        result = downloader.run({source(server, dir.path(), QStringLiteral("/missing.pt")),
                                 source(server, dir.path(), QStringLiteral("/model.pt"), m_sha256)});
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.url, server.url(QStringLiteral("/model.pt")));
    }

    void reportsAnUnreachableHost()
    {
        quint16 closedPort = 0;
        {
            QTcpServer probe; // a port nobody listens on once this closes
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            closedPort = probe.serverPort();
        }
        QTemporaryDir dir;
        DownloadSource s;
        s.url = QUrl(QStringLiteral("http://127.0.0.1:%1/model.pt").arg(closedPort));
        s.targetPath = dir.filePath(QStringLiteral("tiny/model.pt"));
        ModelDownloader downloader{ModelManifest()};
        const DownloadResult result = downloader.run({s});
        QVERIFY(!result.ok);
        QVERIFY2(result.error.startsWith(s.url.toString() + QStringLiteral(": ")), qPrintable(result.error));
        QVERIFY2(result.error.contains(QLatin1String("refused"), Qt::CaseInsensitive), qPrintable(result.error));
        QCOMPARE(entriesUnder(dir.path()), QStringList());
    }

    void cancelLeavesNothingBehind()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        server.addFile("/model.pt", m_model);
        server.stallAfter("/model.pt", 2000000);
        QTemporaryDir dir;
        ModelDownloader downloader{ModelManifest()};
        QSignalSpy finished(&downloader, &ModelDownloader::finished);
        QObject::connect(&downloader, &ModelDownloader::progress, &downloader, [&](const DownloadProgress &p) {
            if (p.received >= 2000000) {
                downloader.cancel();
            }
        });
        downloader.start({source(server, dir.path(), QStringLiteral("/model.pt"), m_sha256)});
        QVERIFY(finished.wait(60000));
        const auto result = finished.first().first().value<DownloadResult>();
        QVERIFY(result.cancelled);
        QVERIFY(!result.ok);
        QVERIFY(!downloader.isRunning());
        QCOMPARE(entriesUnder(dir.path()), QStringList());
    }

    void checksDiskSpaceBeforeDownloading()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        server.addFile("/model.pt", m_model);
        QTemporaryDir dir;
        DownloadSource s = source(server, dir.path(), QStringLiteral("/model.pt"));
        s.expectedSize = qint64(1) << 60; // an exabyte: no disk has that free
        ModelDownloader downloader{ModelManifest()};
        const DownloadResult result = downloader.run({s});
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(QLatin1String("not enough disk space")), qPrintable(result.error));
        QVERIFY(server.requests().isEmpty());
        QCOMPARE(entriesUnder(dir.path()), QStringList());
    }

    // Issue 11: redirects go only to https, or to http when the source is http (a local mirror): never to file:,
    // ftp: or data:, and never from https down to http.
    void isAllowedRedirectFollowsTheRules_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<bool>("allowed");
        const QString hf = QStringLiteral("https://huggingface.co/openai/clip/resolve/main/model.safetensors");
        QTest::newRow("https to https") << hf << QStringLiteral("https://cdn-lfs.hf.co/x") << true;
        QTest::newRow("https to http") << hf << QStringLiteral("http://cdn-lfs.hf.co/x") << false;
        QTest::newRow("https to file") << hf << QStringLiteral("file:///etc/passwd") << false;
        QTest::newRow("https to ftp") << hf << QStringLiteral("ftp://example.com/x") << false;
        QTest::newRow("https to data") << hf << QStringLiteral("data:text/plain,x") << false;
        QTest::newRow("http mirror to http")
            << QStringLiteral("http://mirror.lan/m.safetensors") << QStringLiteral("http://mirror.lan/blob") << true;
        QTest::newRow("http mirror to https")
            << QStringLiteral("http://mirror.lan/m.safetensors") << QStringLiteral("https://cdn.example/blob") << true;
        QTest::newRow("http mirror to file") << QStringLiteral("http://mirror.lan/m.safetensors")
                                             << QStringLiteral("file:///home/me/.ssh/id_rsa") << false;
        QTest::newRow("no host") << hf << QStringLiteral("https:///x") << false;
    }

    void isAllowedRedirectFollowsTheRules()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(bool, allowed);
        QCOMPARE(isAllowedRedirect(QUrl(from), QUrl(to)), allowed);
    }

    // The scheme check against the local server: a redirect to a local file or to ftp is refused, nothing is written.
    void refusesRedirectsToOtherSchemes()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        QTemporaryDir dir;
        const QString secret = dir.filePath(QStringLiteral("secret.txt"));
        QVERIFY(writeBytes(secret, "not for the network"));
        server.addRedirect("/to-file", "file://" + secret.toUtf8());
        server.addRedirect("/to-ftp", "ftp://127.0.0.1/model.pt");
        for (const QString &path : {QStringLiteral("/to-file"), QStringLiteral("/to-ftp")}) {
            ModelDownloader downloader{ModelManifest()};
            const DownloadResult result = downloader.run({source(server, dir.path(), path)});
            QVERIFY(!result.ok);
            QVERIFY2(result.error.startsWith(server.url(path) + QStringLiteral(": redirect to "))
                         && result.error.contains(QStringLiteral(" refused (only to https")),
                     qPrintable(result.error));
            QCOMPARE(entriesUnder(dir.path()), QStringList{QStringLiteral("secret.txt")});
        }
    }

    // Bytes received are capped by the expected size: an announced size above it is refused before the body, and a
    // server that announces nothing is cut off once it has sent more than the cap.
    void capsTheBytesReceived()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        server.addFile("/model.pt", m_model);
        server.addFile("/unannounced.pt", m_model);
        server.omitLength("/unannounced.pt");
        QTemporaryDir dir;
        DownloadSource announced = source(server, dir.path(), QStringLiteral("/model.pt"), m_sha256);
        announced.expectedSize = 1000000;
        announced.sizeApproximate = true;
        ModelDownloader downloader{ModelManifest()};
        QSignalSpy progress(&downloader, &ModelDownloader::progress);
        DownloadResult result = downloader.run({announced});
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(QStringLiteral("the server announces %1, but at most %2 is expected; refused")
                                           .arg(formatBytes(m_model.size()), formatBytes(1050000))),
                 qPrintable(result.error));
        QVERIFY(progress.isEmpty()); // not a byte of the body was taken
        QCOMPARE(entriesUnder(dir.path()), QStringList());

        DownloadSource exact = announced;
        exact.sizeApproximate = false;
        exact.expectedSize = m_model.size() + 1; // an exact size that is not the file's
        result = downloader.run({exact});
        QVERIFY2(
            result.error.contains(QStringLiteral("but %1 is expected; refused").arg(formatBytes(m_model.size() + 1))),
            qPrintable(result.error));

        DownloadSource unannounced = source(server, dir.path(), QStringLiteral("/unannounced.pt"), m_sha256);
        unannounced.expectedSize = 2000000;
        result = downloader.run({unannounced});
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(
                     QStringLiteral("the server sent more than the %1 expected; stopped").arg(formatBytes(2000000))),
                 qPrintable(result.error));
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("tiny/model.pt.part"))).size() <= 2000000);
    }

    // A pinned SHA-256 that the server's X-Linked-Etag contradicts: refused when the headers arrive, before the body.
    void refusesAPublishedHashThatContradictsThePin()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        const QByteArray other(64, 'b');
        server.addRedirect("/resolve/model.pt", "/blob", {"X-Linked-Etag: \"" + other + '"'});
        server.addFile("/blob", m_model);
        QTemporaryDir dir;
        ModelDownloader downloader{ModelManifest()};
        const DownloadResult result =
            downloader.run({source(server, dir.path(), QStringLiteral("/resolve/model.pt"), m_sha256)});
        QVERIFY(!result.ok);
        QVERIFY2(
            result.error.contains(QStringLiteral("the server publishes SHA-256 %1 for this file, but %2 is expected")
                                      .arg(QLatin1String(other), m_sha256)),
            qPrintable(result.error));
        QVERIFY(server.requestsFor("/blob").isEmpty());
        QCOMPARE(entriesUnder(dir.path()), QStringList());
    }

    // A part file is resumed only when it is a regular file no larger than the cap: a link put in its place is removed
    // (what it points to stays untouched), an oversized one is started over.
    void validatesThePartFileBeforeResuming()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        server.addFile("/model.pt", m_model);
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("tiny"))));
        const QString part = dir.filePath(QStringLiteral("tiny/model.pt.part"));
        const QString meta = part + QStringLiteral(".json");
        const QByteArray record =
            "{\"url\":\"" + server.url(QStringLiteral("/model.pt")).toUtf8() + "\",\"validator\":\"\"}";

        const QString victim = dir.filePath(QStringLiteral("victim.txt"));
        QVERIFY(writeBytes(victim, "keep me"));
        QVERIFY(QFile::link(victim, part));
        QVERIFY(writeBytes(meta, record));
        ModelDownloader downloader{ModelManifest()};
        DownloadResult result = downloader.run({source(server, dir.path(), QStringLiteral("/model.pt"), m_sha256)});
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(readBytes(victim), QByteArray("keep me"));
        QCOMPARE(server.requestsFor("/model.pt").last().range, QByteArray()); // started from zero
        QVERIFY(QFile::remove(result.path));

        QVERIFY(writeBytes(part, m_model + QByteArray(100, 'x')));
        QVERIFY(writeBytes(meta, record));
        DownloadSource exact = source(server, dir.path(), QStringLiteral("/model.pt"), m_sha256);
        exact.expectedSize = m_model.size();
        result = downloader.run({exact});
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(server.requestsFor("/model.pt").last().range, QByteArray());
        QString error;
        QCOMPARE(sha256OfFile(result.path, &error), m_sha256);
    }

    // Issue 15: a model that is a folder of files downloads, every file is verified, and the folder is installed.
    void downloadsAFolderModel()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        serveFolder(server);
        QTemporaryDir dir;
        ModelDownloader downloader{ModelManifest()};
        QSignalSpy progress(&downloader, &ModelDownloader::progress);
        const DownloadSource folder = folderSource(server, dir.path());
        const DownloadResult result = downloader.run({folder});
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.path, folder.targetPath);
        QStringList expected{QStringLiteral("st-model"), QStringLiteral("st-model/1_Pooling"),
                             QStringLiteral("st-model/2_Dense")};
        for (const QString &file : folderFiles()) {
            expected << QStringLiteral("st-model/") + file;
            QCOMPARE(readBytes(QDir(folder.targetPath).filePath(file)), readBytes(folderFixture(file)));
        }
        expected.sort();
        QCOMPARE(entriesUnder(dir.path()), expected); // no part folder, part file or record left
        QString error;
        for (const QString &file : {QStringLiteral("model.safetensors"), QStringLiteral("2_Dense/model.safetensors"),
                                    QStringLiteral("tokenizer.json"), QStringLiteral("vocab.txt")}) {
            QCOMPARE(sha256OfFile(QDir(folder.targetPath).filePath(file), &error), folderSha256(file));
        }
        // The record names the folder and its main file, with that file's verified hash.
        QVERIFY(result.check.ok);
        QCOMPARE(result.check.path, folder.targetPath);
        QCOMPARE(result.check.file, QDir(folder.targetPath).filePath(QStringLiteral("model.safetensors")));
        QCOMPARE(result.check.sha256, folderSha256(QStringLiteral("model.safetensors")));
        QVERIFY2(result.check.hashSource.contains(QLatin1String("X-Linked-Etag")), qPrintable(result.check.hashSource));
        QCOMPARE(result.check.kind, QStringLiteral("multilingual-text"));
        QCOMPARE(result.check.format, QStringLiteral("sentence-transformers"));
        QVERIFY(!progress.isEmpty());
        const auto last = progress.last().first().value<DownloadProgress>();
        QCOMPARE(last.received, folder.expectedSize); // the whole folder, not the last file
        QCOMPARE(last.total, folder.expectedSize);
    }

    // One file whose bytes are not the pinned ones: nothing is installed and nothing is kept.
    void aWrongHashOnOneFileInstallsNothing()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        serveFolder(server);
        QTemporaryDir dir;
        DownloadSource folder = folderSource(server, dir.path());
        for (DownloadFile &file : folder.files) {
            if (file.relativePath == QLatin1String("vocab.txt")) {
                file.expectedSha256 = folderSha256(QStringLiteral("tokenizer.json")); // another file's hash
            }
        }
        ModelDownloader downloader{ModelManifest()};
        DownloadResult result = downloader.run({folder});
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(QLatin1String("vocab.txt")) && result.error.contains(QLatin1String("mismatch"))
                     && result.error.contains(folderSha256(QStringLiteral("vocab.txt"))),
                 qPrintable(result.error));
        QCOMPARE(entriesUnder(dir.path()), QStringList());

        // Weights with no hash at all (none pinned, none published) are refused, however small.
        server.addFile("/st/resolve/main/2_Dense/model.safetensors",
                       readBytes(folderFixture(QStringLiteral("2_Dense/model.safetensors"))));
        folder = folderSource(server, dir.path());
        for (DownloadFile &file : folder.files) {
            file.expectedSha256.clear();
        }
        result = downloader.run({folder});
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(QLatin1String("2_Dense/model.safetensors"))
                     && result.error.contains(QLatin1String("no SHA-256")),
                 qPrintable(result.error));
        QCOMPARE(entriesUnder(dir.path()), QStringList());
    }

    // A transfer that drops in the middle of one file resumes that file where it stopped on the next run; the files
    // verified before are not downloaded again.
    void resumesADroppedFileOfAFolder()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        serveFolder(server);
        const QByteArray weights = readBytes(folderFixture(QStringLiteral("model.safetensors")));
        QVERIFY(weights.size() > 100000);
        const qint64 dropAt = weights.size() / 2;
        server.dropAfter("/cdn/model.safetensors", dropAt);
        QTemporaryDir dir;
        const DownloadSource folder = folderSource(server, dir.path());
        {
            ModelDownloader downloader{ModelManifest()};
            downloader.setMaxResumes(0);
            const DownloadResult result = downloader.run({folder});
            QVERIFY(!result.ok);
            QVERIFY(!QFileInfo::exists(folder.targetPath)); // nothing half-installed
            QCOMPARE(QFileInfo(folder.targetPath + QStringLiteral(".part/model.safetensors.part")).size(), dropAt);
        }
        // A file kept from the first run that changed since (here tokenizer.json) is fetched again, not trusted.
        const QString kept = folder.targetPath + QStringLiteral(".part/tokenizer.json");
        QVERIFY(QFileInfo(kept).isFile());
        QFile tampered(kept);
        QVERIFY(tampered.open(QIODevice::Append));
        tampered.write("x");
        tampered.close();
        ModelDownloader downloader{ModelManifest()};
        const DownloadResult result = downloader.run({folder});
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(server.requestsFor("/cdn/model.safetensors").last().range,
                 "bytes=" + QByteArray::number(dropAt) + '-');
        QCOMPARE(server.requestsFor("/st/resolve/main/vocab.txt").size(), 1);
        QCOMPARE(server.requestsFor("/cdn/2_Dense/model.safetensors").size(), 1);
        QCOMPARE(server.requestsFor("/st/resolve/main/tokenizer.json").size(), 2);
        QCOMPARE(readBytes(QDir(folder.targetPath).filePath(QStringLiteral("tokenizer.json"))),
                 readBytes(folderFixture(QStringLiteral("tokenizer.json"))));
        QString error;
        QCOMPARE(sha256OfFile(QDir(folder.targetPath).filePath(QStringLiteral("model.safetensors")), &error),
                 folderSha256(QStringLiteral("model.safetensors")));
        QVERIFY(!QFileInfo::exists(folder.targetPath + QStringLiteral(".part")));
    }

    // Cancelled in the middle of a folder: neither the folder nor its part folder stays.
    void cancellingAFolderKeepsNothing()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        serveFolder(server);
        server.stallAfter("/cdn/model.safetensors", 50000);
        QTemporaryDir dir;
        ModelDownloader downloader{ModelManifest()};
        connect(&downloader, &ModelDownloader::progress, &downloader, [&downloader](const DownloadProgress &p) {
            if (p.received > 0 && downloader.isRunning()) {
                QTimer::singleShot(0, &downloader, [&downloader] { downloader.cancel(); });
            }
        });
        QElapsedTimer clock;
        clock.start();
        const DownloadResult result = downloader.run({folderSource(server, dir.path())});
        QVERIFY(result.cancelled);
        QVERIFY(clock.elapsed() < 30000);
        QCOMPARE(entriesUnder(dir.path()), QStringList());
    }
};

QTEST_GUILESS_MAIN(ModelDownloaderTest)
#include "modeldownloadertest.moc"
