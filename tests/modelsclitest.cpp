// SPDX-License-Identifier: MIT
// clipfind-cli models list|fetch|verify as people and scripts call it, against a local HTTP server on 127.0.0.1
// started here. The CLI runs as a child process while this process's event loop serves the files.
#include "clirunner.h"
#include "fixturedata.h"
#include "localhttpserver.h"
#include "testfiles.h"

#include "core/store/filehash.h"

#include <QDir>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

using Run = CliRun;

QString fixtureSha256()
{
    return readExpected(QStringLiteral("tiny-openai")).json.value(QStringLiteral("sha256")).toString();
}

} // namespace

class ModelsCliTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home; // HOME for the child: discovery must not see the real ~/.cache/clip
    QByteArray m_model;

    // Runs clipfind-cli without blocking this event loop (the local server lives in it).
    Run runCli(const QStringList &arguments)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("HOME"), m_home.path());
        environment.remove(QStringLiteral("XDG_CACHE_HOME"));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        environment.remove(QStringLiteral("CLIPFIND_MODEL_MIRROR"));
        environment.remove(QStringLiteral("CLIPFIND_MODEL_MANIFEST"));
        for (const char *proxy : {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"}) {
            environment.remove(QLatin1String(proxy));
        }
        return clipfind::test::runCli(arguments, environment);
    }

    static QString writeManifest(const QString &dir, const QString &url)
    {
        const QString path = QDir(dir).filePath(QStringLiteral("manifest.json"));
        const QJsonObject download{{QStringLiteral("url"), url},
                                   {QStringLiteral("install_as"), QStringLiteral("tiny/model.pt")},
                                   {QStringLiteral("format"), QStringLiteral("openai-torchscript")},
                                   {QStringLiteral("size"), 27882006},
                                   {QStringLiteral("sha256"), fixtureSha256()}};
        const QJsonObject model{{QStringLiteral("name"), QStringLiteral("tiny")},
                                {QStringLiteral("architecture"), QStringLiteral("custom ViT")},
                                {QStringLiteral("license"), QStringLiteral("MIT")},
                                {QStringLiteral("speed"), QStringLiteral("instant")},
                                {QStringLiteral("downloads"), QJsonArray{download}}};
        const QByteArray json = QJsonDocument(QJsonObject{{QStringLiteral("format_version"), 1},
                                                          {QStringLiteral("default"), QStringLiteral("tiny")},
                                                          {QStringLiteral("models"), QJsonArray{model}}})
                                    .toJson();
        writeBytes(path, json);
        return path;
    }

    // A manifest with one folder model: the tiny sentence-transformers fixture as a multilingual text model, its
    // weights pinned with the fixture generator's hashes (expected.json).
    static QString writeFolderManifest(const QString &dir)
    {
        const QJsonObject hashes =
            readJsonObject(stFixture(QStringLiteral("expected.json"))).value(QStringLiteral("sha256")).toObject();
        QJsonArray files;
        for (const QString &file : stFiles()) {
            QJsonObject entry{
                {QStringLiteral("path"), file},
                {QStringLiteral("url"), QStringLiteral("https://huggingface.co/t/st/resolve/main/") + file},
                {QStringLiteral("size"), QFileInfo(stFixture(file)).size()}};
            if (file.endsWith(QLatin1String(".safetensors"))) {
                entry.insert(QStringLiteral("sha256"), hashes.value(file).toString());
                entry.insert(QStringLiteral("requires_sha256"), true);
            }
            files.append(entry);
        }
        const QJsonObject download{{QStringLiteral("install_as"), QStringLiteral("tiny-st")},
                                   {QStringLiteral("format"), QStringLiteral("sentence-transformers")},
                                   {QStringLiteral("files"), files}};
        const QJsonObject model{{QStringLiteral("name"), QStringLiteral("tiny-st")},
                                {QStringLiteral("kind"), QStringLiteral("multilingual-text")},
                                {QStringLiteral("pairs_with"), QStringLiteral("ViT-B/32")},
                                {QStringLiteral("purpose"), QStringLiteral("queries in other languages")},
                                {QStringLiteral("downloads"), QJsonArray{download}}};
        const QString path = QDir(dir).filePath(QStringLiteral("folder-manifest.json"));
        writeBytes(path, QJsonDocument(QJsonObject{{QStringLiteral("format_version"), 1},
                                                   {QStringLiteral("models"), QJsonArray{model}}})
                             .toJson());
        return path;
    }

    static QStringList stFiles()
    {
        return {QStringLiteral("config.json"),         QStringLiteral("model.safetensors"),
                QStringLiteral("modules.json"),        QStringLiteral("sentence_bert_config.json"),
                QStringLiteral("tokenizer.json"),      QStringLiteral("1_Pooling/config.json"),
                QStringLiteral("2_Dense/config.json"), QStringLiteral("2_Dense/model.safetensors")};
    }

    static QString stFixture(const QString &file)
    {
        return dataPath(QStringLiteral("multilingual/tiny-st-multilingual/") + file);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        m_model = readBytes(dataPath(QStringLiteral("tiny-openai/model.pt")));
        QVERIFY(!m_model.isEmpty());
    }

    void fetchWithUrlInstallsAndSecondRunReusesIt()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        server.addFile("/files/model.pt", m_model);
        server.dropAfter("/files/model.pt", 4000000); // resumed within the run
        QTemporaryDir data;
        const QStringList arguments{QStringLiteral("models"),
                                    QStringLiteral("fetch"),
                                    QStringLiteral("my-tiny"),
                                    QStringLiteral("--url"),
                                    server.url(QStringLiteral("/files/model.pt")),
                                    QStringLiteral("--sha256"),
                                    fixtureSha256(),
                                    QStringLiteral("--data-dir"),
                                    data.path(),
                                    QStringLiteral("--select")};
        Run run = runCli(arguments);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QJsonObject out = QJsonDocument::fromJson(run.out).object();
        const QString installed = data.filePath(QStringLiteral("models/my-tiny/model.pt"));
        QCOMPARE(out.value(QStringLiteral("path")).toString(), installed);
        QCOMPARE(out.value(QStringLiteral("sha256")).toString(), fixtureSha256());
        QVERIFY(out.value(QStringLiteral("downloaded")).toBool());
        QString error;
        QCOMPARE(sha256OfFile(installed, &error), fixtureSha256());
        QCOMPARE(server.requestsFor("/files/model.pt").last().range, QByteArray("bytes=4000000-"));
        QVERIFY2(run.err.contains("resuming"), run.err.constData());
        QVERIFY(!QFile::exists(installed + QStringLiteral(".part")));

        const int requestsBefore = server.requests().size();
        run = runCli(arguments);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        out = QJsonDocument::fromJson(run.out).object();
        QVERIFY(!out.value(QStringLiteral("downloaded")).toBool());
        QCOMPARE(server.requests().size(), requestsBefore); // verified and present: nothing fetched
    }

    // Issue 15: a model that is a folder of files, fetched by name through the mirror, listed as installed.
    void fetchesAFolderModelByName()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        for (const QString &file : stFiles()) {
            server.addFile("/mirror/t/st/resolve/main/" + file.toUtf8(), readBytes(stFixture(file)));
        }
        QTemporaryDir data;
        const QString manifest = writeFolderManifest(data.path());
        const QStringList fetch{QStringLiteral("models"),
                                QStringLiteral("fetch"),
                                QStringLiteral("tiny-st"),
                                QStringLiteral("--manifest"),
                                manifest,
                                QStringLiteral("--data-dir"),
                                data.path(),
                                QStringLiteral("--mirror"),
                                server.url(QStringLiteral("/mirror"))};
        Run run = runCli(fetch);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QJsonObject out = QJsonDocument::fromJson(run.out).object();
        const QString installed = data.filePath(QStringLiteral("models/tiny-st"));
        QCOMPARE(out.value(QStringLiteral("path")).toString(), installed);
        QCOMPARE(out.value(QStringLiteral("kind")).toString(), QStringLiteral("multilingual-text"));
        QCOMPARE(out.value(QStringLiteral("manifest_model")).toString(), QStringLiteral("tiny-st"));
        QCOMPARE(out.value(QStringLiteral("sha256")).toString(),
                 readJsonObject(stFixture(QStringLiteral("expected.json")))
                     .value(QStringLiteral("sha256"))
                     .toObject()
                     .value(QStringLiteral("model.safetensors"))
                     .toString());
        QVERIFY(out.value(QStringLiteral("downloaded")).toBool());
        for (const QString &file : stFiles()) {
            QCOMPARE(readBytes(QDir(installed).filePath(file)), readBytes(stFixture(file)));
        }

        const int requestsBefore = server.requests().size();
        run = runCli(fetch);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(!QJsonDocument::fromJson(run.out).object().value(QStringLiteral("downloaded")).toBool());
        QCOMPARE(server.requests().size(), requestsBefore); // installed and verified: nothing fetched

        // A text model is not the model photos are indexed with.
        run = runCli(fetch + QStringList{QStringLiteral("--select")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("--text-model"), run.err.constData());

        const Run list = runCli({QStringLiteral("models"), QStringLiteral("list"), QStringLiteral("--json"),
                                 QStringLiteral("--manifest"), manifest, QStringLiteral("--data-dir"), data.path()});
        QVERIFY2(list.exitCode == 0, list.err.constData());
        const QJsonObject entry =
            QJsonDocument::fromJson(list.out).object().value(QStringLiteral("models")).toArray().at(0).toObject();
        QCOMPARE(entry.value(QStringLiteral("installed")).toString(), installed);
        QCOMPARE(entry.value(QStringLiteral("kind")).toString(), QStringLiteral("multilingual-text"));
        QCOMPARE(entry.value(QStringLiteral("pairs_with")).toString(), QStringLiteral("ViT-B/32"));
        qint64 total = 0;
        for (const QString &file : stFiles()) {
            total += QFileInfo(stFixture(file)).size();
        }
        QCOMPARE(entry.value(QStringLiteral("size")).toInteger(), total);
    }

    // The built-in list names both multilingual models with their sizes and what each is for.
    void listShowsTheMultilingualModels()
    {
        QTemporaryDir data;
        const Run run =
            runCli({QStringLiteral("models"), QStringLiteral("list"), QStringLiteral("--data-dir"), data.path()});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QString text = QString::fromUtf8(run.out);
        for (const char *name : {"clip-ViT-B-32-multilingual-v1", "chinese-clip-vit-base-patch16"}) {
            QVERIFY2(text.contains(QLatin1String(name)), qPrintable(text));
        }
        QVERIFY2(text.contains(QLatin1String("~543.5 MB")), qPrintable(text)); // the sum of the folder's files
        QVERIFY2(text.contains(QLatin1String("~753.6 MB")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("search in 50+ languages")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("its own image tower")), qPrintable(text));
    }

    void fetchByNameUsesTheManifestAndTheMirror()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        server.addFile("/mirror/test/tiny/resolve/main/model.pt", m_model);
        QTemporaryDir data;
        const QString manifest =
            writeManifest(data.path(), QStringLiteral("https://huggingface.co/test/tiny/resolve/main/model.pt"));
        const Run run = runCli({QStringLiteral("models"), QStringLiteral("fetch"), QStringLiteral("tiny"),
                                QStringLiteral("--manifest"), manifest, QStringLiteral("--data-dir"), data.path(),
                                QStringLiteral("--mirror"), server.url(QStringLiteral("/mirror"))});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject out = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(out.value(QStringLiteral("path")).toString(), data.filePath(QStringLiteral("models/tiny/model.pt")));
        QCOMPARE(out.value(QStringLiteral("manifest_model")).toString(), QStringLiteral("tiny"));
        QCOMPARE(server.requestsFor("/mirror/test/tiny/resolve/main/model.pt").size(), 1);

        // list shows it installed.
        const Run list = runCli({QStringLiteral("models"), QStringLiteral("list"), QStringLiteral("--json"),
                                 QStringLiteral("--manifest"), manifest, QStringLiteral("--data-dir"), data.path()});
        QVERIFY2(list.exitCode == 0, list.err.constData());
        const QJsonObject listed = QJsonDocument::fromJson(list.out).object();
        const QJsonObject tiny = listed.value(QStringLiteral("models")).toArray().first().toObject();
        QCOMPARE(tiny.value(QStringLiteral("name")).toString(), QStringLiteral("tiny"));
        QCOMPARE(tiny.value(QStringLiteral("installed")).toString(),
                 data.filePath(QStringLiteral("models/tiny/model.pt")));
        QVERIFY(tiny.value(QStringLiteral("default")).toBool());
    }

    void listShowsTheBuiltInModelsAndFoundFiles()
    {
        QTemporaryDir data;
        const QString cache = m_home.filePath(QStringLiteral(".cache/clip"));
        QVERIFY(QDir().mkpath(cache));
        QVERIFY(QFile::copy(dataPath(QStringLiteral("tiny-openai/model.pt")), cache + QStringLiteral("/ViT-B-32.pt")));
        const Run run =
            runCli({QStringLiteral("models"), QStringLiteral("list"), QStringLiteral("--data-dir"), data.path()});
        QDir(cache).removeRecursively();
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QString text = QString::fromUtf8(run.out);
        QVERIFY2(text.contains(QLatin1String("ViT-B/32 (default)")), run.out.constData());
        QVERIFY2(text.contains(QLatin1String("ViT-L/14")), run.out.constData());
        QVERIFY2(text.contains(QLatin1String("ViT-B-32.pt  (~/.cache/clip)  custom ViT, openai-torchscript")),
                 run.out.constData());
    }

    void listNeverRunsCodeFromFilesOnDisk()
    {
        // Issue 11: archives whose TorchScript __setstate__ or pickle would create a marker file, lying in
        // ~/.cache/clip where `models list` (and the model dialog) look: listed as broken, the marker never appears.
        QTemporaryDir data;
        QTemporaryDir scratch;
        const QString cache = m_home.filePath(QStringLiteral(".cache/clip"));
        QVERIFY(QDir().mkpath(cache));
        const QStringList crafted{QStringLiteral("builtins-eval.pt"), QStringLiteral("os-system.pt"),
                                  QStringLiteral("setstate-dict.pt"), QStringLiteral("setstate-tuple.pt")};
        for (const QString &file : crafted) {
            QVERIFY(QFile::copy(dataPath(QStringLiteral("hostile/") + file), cache + QLatin1Char('/') + file));
        }
        Run run;
        {
            const WorkingDirectoryScope inScratch(scratch.path()); // the child's working directory
            run = runCli({QStringLiteral("models"), QStringLiteral("list"), QStringLiteral("--data-dir"), data.path()});
        }
        QDir(cache).removeRecursively();
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(!QFileInfo::exists(scratch.filePath(QStringLiteral("clipfind-hostile-marker"))));
        for (const QString &file : crafted) {
            QVERIFY2(QString::fromUtf8(run.out).contains(file + QStringLiteral("  (~/.cache/clip)  broken: ")),
                     run.out.constData());
        }
    }

    void fetchFailuresAreOneLineAndLeaveNothing()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        server.addFile("/model.pt", m_model);
        QTemporaryDir data;
        const QString wrong(64, QLatin1Char('0'));
        Run run = runCli({QStringLiteral("models"), QStringLiteral("fetch"), QStringLiteral("x"),
                          QStringLiteral("--url"), server.url(QStringLiteral("/model.pt")), QStringLiteral("--sha256"),
                          wrong, QStringLiteral("--data-dir"), data.path()});
        QCOMPARE(run.exitCode, 1);
        QByteArray last = run.err.trimmed().split('\n').last();
        QVERIFY2(last.startsWith("clipfind-cli: ") && last.contains("SHA-256 mismatch") && last.contains("deleted"),
                 run.err.constData());
        QVERIFY(!QDir(data.filePath(QStringLiteral("models/x"))).exists()
                || QDir(data.filePath(QStringLiteral("models/x"))).isEmpty());

        run = runCli({QStringLiteral("models"), QStringLiteral("fetch"), QStringLiteral("x"), QStringLiteral("--url"),
                      server.url(QStringLiteral("/nope.pt")), QStringLiteral("--data-dir"), data.path()});
        QCOMPARE(run.exitCode, 1);
        last = run.err.trimmed().split('\n').last();
        QVERIFY2(last.contains(server.url(QStringLiteral("/nope.pt")).toUtf8() + ": HTTP 404"), run.err.constData());

        quint16 closedPort = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            closedPort = probe.serverPort();
        }
        const QString unreachable = QStringLiteral("http://127.0.0.1:%1/model.pt").arg(closedPort);
        run = runCli({QStringLiteral("models"), QStringLiteral("fetch"), QStringLiteral("x"), QStringLiteral("--url"),
                      unreachable, QStringLiteral("--data-dir"), data.path()});
        QCOMPARE(run.exitCode, 1);
        last = run.err.trimmed().split('\n').last();
        QVERIFY2(last.contains(unreachable.toUtf8()) && last.toLower().contains("refused"), run.err.constData());

        QCOMPARE(runCli({QStringLiteral("models"), QStringLiteral("fetch"), QStringLiteral("RN50"),
                         QStringLiteral("--data-dir"), data.path()})
                     .exitCode,
                 2);
        QCOMPARE(runCli({QStringLiteral("models"), QStringLiteral("fetch"), QStringLiteral("x"),
                         QStringLiteral("--url"), unreachable, QStringLiteral("--sha256"), QStringLiteral("abc")})
                     .exitCode,
                 2);
        QCOMPARE(runCli({QStringLiteral("models"), QStringLiteral("frobnicate")}).exitCode, 2);
    }

    void verifyReportsGoodAndBrokenFiles()
    {
        QTemporaryDir data;
        Run run = runCli({QStringLiteral("models"), QStringLiteral("verify"), dataPath(QStringLiteral("tiny-hf")),
                          QStringLiteral("--data-dir"), data.path()});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QJsonObject out = QJsonDocument::fromJson(run.out).object();
        QVERIFY(out.value(QStringLiteral("ok")).toBool());
        QCOMPARE(out.value(QStringLiteral("format")).toString(), QStringLiteral("hf-safetensors"));
        QCOMPARE(out.value(QStringLiteral("sha256")).toString(),
                 readExpected(QStringLiteral("tiny-hf")).json.value(QStringLiteral("sha256")).toString());

        run = runCli({QStringLiteral("models"), QStringLiteral("verify"),
                      dataPath(QStringLiteral("tiny-openai/model.pt")), QStringLiteral("--sha256"), fixtureSha256(),
                      QStringLiteral("--data-dir"), data.path()});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        out = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(out.value(QStringLiteral("hash_source")).toString(), QStringLiteral("--sha256"));

        const QString broken = data.filePath(QStringLiteral("ViT-B-32.pt"));
        QVERIFY(writeBytes(broken, m_model.left(200000)));
        run = runCli(
            {QStringLiteral("models"), QStringLiteral("verify"), broken, QStringLiteral("--data-dir"), data.path()});
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY2(run.err.startsWith("clipfind-cli: " + broken.toUtf8() + ": "), run.err.constData());
    }
};

QTEST_GUILESS_MAIN(ModelsCliTest)
#include "modelsclitest.moc"
