// SPDX-License-Identifier: MIT
// The first-run model dialog, driven like a person would, against a local HTTP server on 127.0.0.1 serving the tiny
// OpenAI fixture model (offscreen platform). Hashes come from the fixture generator's expected.json.
#include "fixturedata.h"
#include "localhttpserver.h"
#include "testfiles.h"

#include "core/download/modeldownloader.h"
#include "core/models/modelstore.h"
#include "core/store/filehash.h"
#include "ui/modelsetupdialog.h"

#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

QString fixtureSha256()
{
    return readExpected(QStringLiteral("tiny-openai")).json.value(QStringLiteral("sha256")).toString();
}

/// A manifest whose default model lives on "Hugging Face" (a path on the local server, reached through the mirror).
ModelManifest testManifest(const QJsonArray &moreModels = {})
{
    auto model = [](const QString &name, const QString &speed, qint64 size, bool approximate) {
        const QJsonObject download{
            {QStringLiteral("url"), QStringLiteral("https://huggingface.co/t/%1/resolve/main/model.pt").arg(name)},
            {QStringLiteral("install_as"), name + QStringLiteral("/model.pt")},
            {QStringLiteral("size"), size},
            {QStringLiteral("size_approximate"), approximate}};
        return QJsonObject{{QStringLiteral("name"), name},
                           {QStringLiteral("title"), name},
                           {QStringLiteral("speed"), speed},
                           {QStringLiteral("license"), QStringLiteral("MIT")},
                           {QStringLiteral("downloads"), QJsonArray{download}}};
    };
    const QJsonObject json{{QStringLiteral("format_version"), 1},
                           {QStringLiteral("default"), QStringLiteral("tiny")},
                           {QStringLiteral("models"),
                            QJsonArray{model(QStringLiteral("big"), QStringLiteral("slow"), 1710000000, true),
                                       model(QStringLiteral("tiny"), QStringLiteral("instant"), 27882006, false)}}};
    QJsonObject all = json;
    QJsonArray models = all.value(QStringLiteral("models")).toArray();
    for (const QJsonValue &more : moreModels) {
        models.append(more);
    }
    all.insert(QStringLiteral("models"), models);
    ModelManifest manifest;
    QString error;
    if (!ModelManifest::parse(QJsonDocument(all).toJson(), QStringLiteral("test"), &manifest, &error)) {
        qWarning("%s", qPrintable(error));
    }
    return manifest;
}

QString multilingualFixture(const QString &relative)
{
    return dataPath(QStringLiteral("multilingual/") + relative);
}

/// A model that is a folder of the fixture folder `fixture`'s `files`, on "Hugging Face" like the real ones: the
/// weights pinned with the fixture generator's hashes (expected.json), the small files by their sizes.
QJsonObject folderModel(const QString &name, const QString &kind, const QString &fixture, const QStringList &files)
{
    const QJsonObject hashes = readJsonObject(multilingualFixture(fixture + QStringLiteral("/expected.json")))
                                   .value(QStringLiteral("sha256"))
                                   .toObject();
    QJsonArray entries;
    for (const QString &file : files) {
        QJsonObject entry{
            {QStringLiteral("path"), file},
            {QStringLiteral("url"), QStringLiteral("https://huggingface.co/t/%1/resolve/main/%2").arg(name, file)},
            {QStringLiteral("size"), QFileInfo(multilingualFixture(fixture + QLatin1Char('/') + file)).size()}};
        if (file.endsWith(QLatin1String(".safetensors"))) {
            entry.insert(QStringLiteral("sha256"), hashes.value(file).toString());
            entry.insert(QStringLiteral("requires_sha256"), true);
        }
        entries.append(entry);
    }
    const QJsonObject download{{QStringLiteral("install_as"), name},
                               {QStringLiteral("format"), QStringLiteral("folder")},
                               {QStringLiteral("files"), entries}};
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("kind"), kind},
                       {QStringLiteral("pairs_with"), QStringLiteral("tiny")},
                       {QStringLiteral("title"), name},
                       {QStringLiteral("speed"), QStringLiteral("text")},
                       {QStringLiteral("license"), QStringLiteral("MIT")},
                       {QStringLiteral("downloads"), QJsonArray{download}}};
}

const QStringList kStFiles{QStringLiteral("config.json"),
                           QStringLiteral("model.safetensors"),
                           QStringLiteral("modules.json"),
                           QStringLiteral("sentence_bert_config.json"),
                           QStringLiteral("tokenizer.json"),
                           QStringLiteral("vocab.txt"),
                           QStringLiteral("1_Pooling/config.json"),
                           QStringLiteral("2_Dense/config.json"),
                           QStringLiteral("2_Dense/model.safetensors")};
const QStringList kZhFiles{QStringLiteral("config.json"), QStringLiteral("preprocessor_config.json"),
                           QStringLiteral("vocab.txt"), QStringLiteral("tokenizer.json"),
                           QStringLiteral("model.safetensors")};

/// testManifest() with a multilingual text model (paired with "tiny") and a Chinese-CLIP model.
ModelManifest folderManifest()
{
    return testManifest({folderModel(QStringLiteral("tiny-st"), QStringLiteral("multilingual-text"),
                                     QStringLiteral("tiny-st-multilingual"), kStFiles),
                         folderModel(QStringLiteral("tiny-zh"), QStringLiteral("chinese-clip"),
                                     QStringLiteral("tiny-chinese-clip"), kZhFiles)});
}

template<typename T>
T *child(QObject *parent, const char *name)
{
    return parent->findChild<T *>(QLatin1String(name));
}

} // namespace

class ModelSetupDialogTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_settings;
    QByteArray m_model;

    void serveLikeHuggingFace(LocalHttpServer &server)
    {
        server.addRedirect("/hf/t/tiny/resolve/main/model.pt", "/cdn/tiny",
                           {"X-Linked-Etag: \"" + fixtureSha256().toLatin1() + '"'});
        server.addFile("/cdn/tiny", m_model);
    }

    static void serveFolder(LocalHttpServer &server, const QString &name, const QString &fixture,
                            const QStringList &files)
    {
        for (const QString &file : files) {
            server.addFile(QStringLiteral("/hf/t/%1/resolve/main/%2").arg(name, file).toUtf8(),
                           readBytes(multilingualFixture(fixture + QLatin1Char('/') + file)));
        }
    }

    static void useEmptyHome(const QTemporaryDir &home)
    {
        qputenv("HOME", home.path().toUtf8());
        qunsetenv("XDG_CACHE_HOME");
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_CONFIG_HOME", m_settings.path().toUtf8()); // the mirror setting stays out of the user's config
        qunsetenv("CLIPFIND_MODEL_MIRROR");
        bypassProxies();
        m_model = readBytes(dataPath(QStringLiteral("tiny-openai/model.pt")));
        QVERIFY(!m_model.isEmpty());
    }

    void downloadsTheDefaultModelAndAccepts()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        serveLikeHuggingFace(server);
        QTemporaryDir home, data;
        useEmptyHome(home);
        ModelSetupDialog dialog(data.path(), testManifest());
        dialog.setMirror(server.url(QStringLiteral("/hf")));
        dialog.show();
        auto *combo = child<QComboBox>(&dialog, "modelCombo");
        QCOMPARE(combo->currentData().toString(), QStringLiteral("tiny")); // the manifest's default
        QVERIFY2(combo->currentText().contains(QLatin1String("27.9 MB")), qPrintable(combo->currentText()));
        QVERIFY2(combo->itemText(0).contains(QLatin1String("about 1.71 GB")), qPrintable(combo->itemText(0)));
        QVERIFY(child<QRadioButton>(&dialog, "downloadChoice")->isChecked());
        QTRY_VERIFY(
            child<QListWidget>(&dialog, "discoveredList")->item(0)->text().startsWith(QLatin1String("No models")));

        QSignalSpy accepted(&dialog, &QDialog::accepted);
        QSignalSpy bar(child<QProgressBar>(&dialog, "progressBar"), &QProgressBar::valueChanged);
        QTest::mouseClick(child<QPushButton>(&dialog, "okButton"), Qt::LeftButton);
        QVERIFY(accepted.wait(120000));
        const QString expectedPath = QDir(data.path()).filePath(QStringLiteral("models/tiny/model.pt"));
        QCOMPARE(dialog.modelPath(), expectedPath);
        QString error;
        QCOMPARE(sha256OfFile(expectedPath, &error), fixtureSha256());
        QVERIFY2(dialog.modelCheck().hashSource.contains(QLatin1String("X-Linked-Etag")),
                 qPrintable(dialog.modelCheck().hashSource));
        QVERIFY(!bar.isEmpty());
        QCOMPARE(bar.last().first().toInt(), 1000); // the bar reached the end
        QCOMPARE(ModelStore(data.path()).selectedModel(), expectedPath);
        QCOMPARE(server.requestsFor("/hf/t/tiny/resolve/main/model.pt").size(), 1); // through the mirror
    }

    void showsADownloadErrorAndStaysOpen()
    {
        LocalHttpServer server; // serves nothing: every request is a 404
        QVERIFY(server.start());
        QTemporaryDir home, data;
        useEmptyHome(home);
        ModelSetupDialog dialog(data.path(), testManifest());
        dialog.setMirror(server.url(QStringLiteral("/hf")));
        dialog.show();
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        auto *ok = child<QPushButton>(&dialog, "okButton");
        QTest::mouseClick(ok, Qt::LeftButton);
        auto *errorLabel = child<QLabel>(&dialog, "errorLabel");
        QTRY_VERIFY_WITH_TIMEOUT(!errorLabel->text().isEmpty(), 60000);
        QVERIFY2(errorLabel->text().contains(server.url(QStringLiteral("/hf/t/tiny/resolve/main/model.pt"))
                                             + QStringLiteral(": HTTP 404")),
                 qPrintable(errorLabel->text()));
        QVERIFY(dialog.isVisible());
        QCOMPARE(accepted.count(), 0);
        QVERIFY(ok->isEnabled()); // the person can try again or choose otherwise
        QVERIFY(dialog.modelPath().isEmpty());
    }

    void cancellingTheDownloadLeavesNothing()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        serveLikeHuggingFace(server);
        server.stallAfter("/cdn/tiny", 3000000);
        QTemporaryDir home, data;
        useEmptyHome(home);
        ModelSetupDialog dialog(data.path(), testManifest());
        dialog.setMirror(server.url(QStringLiteral("/hf")));
        dialog.show();
        QTest::mouseClick(child<QPushButton>(&dialog, "okButton"), Qt::LeftButton);
        auto *bar = child<QProgressBar>(&dialog, "progressBar");
        // 3,000,000 of 27,882,006 bytes = 107 per mille once the stalled part has arrived.
        QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() == 1000 && bar->value() >= 107, 60000);
        auto *cancel = child<QPushButton>(&dialog, "cancelDownloadButton");
        QVERIFY(cancel->isVisible());
        QVERIFY(!child<QPushButton>(&dialog, "okButton")->isEnabled());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_VERIFY(child<QLabel>(&dialog, "statusLabel")->text().contains(QLatin1String("cancelled")));
        QVERIFY(dialog.isVisible());
        QVERIFY(child<QPushButton>(&dialog, "okButton")->isEnabled());
        const QStringList left = entriesUnder(QDir(data.path()).filePath(QStringLiteral("models")));
        QVERIFY2(left.isEmpty() || left == QStringList{QStringLiteral("verified.json")},
                 qPrintable(left.join(QLatin1Char(' '))));
    }

    void verifiesAChosenFile()
    {
        QTemporaryDir home, data;
        useEmptyHome(home);
        ModelSetupDialog dialog(data.path(), testManifest());
        dialog.show();
        auto *path = child<QLineEdit>(&dialog, "filePath");
        const QString broken = data.filePath(QStringLiteral("half.pt"));
        QVERIFY(writeBytes(broken, m_model.left(300000)));
        QTest::keyClicks(path, broken);
        QVERIFY(child<QRadioButton>(&dialog, "fileChoice")->isChecked());
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        auto *errorLabel = child<QLabel>(&dialog, "errorLabel");
        QTest::mouseClick(child<QPushButton>(&dialog, "okButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!errorLabel->text().isEmpty(), 60000);
        QVERIFY2(errorLabel->text().startsWith(broken + QStringLiteral(": ")), qPrintable(errorLabel->text()));
        QCOMPARE(accepted.count(), 0);

        path->clear();
        QTest::keyClicks(path, dataPath(QStringLiteral("tiny-hf")));
        QTest::mouseClick(child<QPushButton>(&dialog, "okButton"), Qt::LeftButton);
        QVERIFY(accepted.wait(60000));
        QCOMPARE(dialog.modelPath(), dataPath(QStringLiteral("tiny-hf")));
        QCOMPARE(dialog.modelCheck().format, QStringLiteral("hf-safetensors"));
        QCOMPARE(dialog.modelCheck().sha256,
                 readExpected(QStringLiteral("tiny-hf")).json.value(QStringLiteral("sha256")).toString());
    }

    void offersAModelFoundOnDisk()
    {
        QTemporaryDir home, data;
        useEmptyHome(home);
        const QString cache = home.filePath(QStringLiteral(".cache/clip"));
        QVERIFY(QDir().mkpath(cache));
        const QString found = cache + QStringLiteral("/ViT-B-32.pt");
        QVERIFY(QFile::copy(dataPath(QStringLiteral("tiny-openai/model.pt")), found));
        QVERIFY(writeBytes(cache + QStringLiteral("/ViT-L-14.pt"), "truncated"));
        ModelSetupDialog dialog(data.path(), testManifest());
        dialog.show();
        auto *choice = child<QRadioButton>(&dialog, "discoveredChoice");
        QTRY_VERIFY_WITH_TIMEOUT(choice->isChecked(), 60000); // a verified model on disk is preselected
        auto *list = child<QListWidget>(&dialog, "discoveredList");
        QCOMPARE(list->count(), 2);
        QVERIFY2(list->item(0)->text().contains(QLatin1String("ViT-B-32.pt (~/.cache/clip): custom ViT")),
                 qPrintable(list->item(0)->text()));
        QVERIFY2(list->item(1)->text().contains(QLatin1String("ViT-L-14.pt (~/.cache/clip): broken: ")),
                 qPrintable(list->item(1)->text()));
        QVERIFY(!(list->item(1)->flags() & Qt::ItemIsSelectable));
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        QTest::mouseClick(child<QPushButton>(&dialog, "okButton"), Qt::LeftButton);
        QCOMPARE(accepted.count(), 1);
        QCOMPARE(dialog.modelPath(), QFileInfo(found).absoluteFilePath());
        QCOMPARE(dialog.modelCheck().sha256, fixtureSha256());
    }

    // A multilingual text model is downloaded file by file and offered for other languages; the dialog stays open
    // for the image model it pairs with.
    void offersADownloadedMultilingualModelForOtherLanguages()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        serveFolder(server, QStringLiteral("tiny-st"), QStringLiteral("tiny-st-multilingual"), kStFiles);
        QTemporaryDir home, data;
        useEmptyHome(home);
        ModelSetupDialog dialog(data.path(), folderManifest());
        dialog.setMirror(server.url(QStringLiteral("/hf")));
        dialog.show();
        auto *combo = child<QComboBox>(&dialog, "modelCombo");
        combo->setCurrentIndex(combo->findData(QStringLiteral("tiny-st")));
        qint64 total = 0;
        for (const QString &file : kStFiles) {
            total += QFileInfo(multilingualFixture(QStringLiteral("tiny-st-multilingual/") + file)).size();
        }
        QVERIFY2(combo->currentText().contains(formatBytes(total)), qPrintable(combo->currentText()));
        QVERIFY(child<QRadioButton>(&dialog, "downloadChoice")->isChecked());
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        QTest::mouseClick(child<QPushButton>(&dialog, "okButton"), Qt::LeftButton);
        auto *use = child<QPushButton>(&dialog, "useMultilingualButton");
        QTRY_VERIFY_WITH_TIMEOUT(use->isVisible(), 60000);
        QVERIFY(child<QLabel>(&dialog, "errorLabel")->text().isEmpty());
        QCOMPARE(accepted.count(), 0);
        QVERIFY(dialog.isVisible());
        QCOMPARE(combo->currentData().toString(), QStringLiteral("tiny")); // the image model it pairs with, next
        QVERIFY(dialog.multilingualTextModel().isEmpty());
        QTest::mouseClick(use, Qt::LeftButton);
        const QString installed = QDir(data.path()).filePath(QStringLiteral("models/tiny-st"));
        QCOMPARE(dialog.multilingualTextModel(), installed);
        QVERIFY(!use->isVisible());
        QString error;
        QCOMPARE(sha256OfFile(installed + QStringLiteral("/model.safetensors"), &error),
                 readJsonObject(multilingualFixture(QStringLiteral("tiny-st-multilingual/expected.json")))
                     .value(QStringLiteral("sha256"))
                     .toObject()
                     .value(QStringLiteral("model.safetensors"))
                     .toString());
        for (const QString &file : kStFiles) {
            QVERIFY2(QFileInfo(QDir(installed).filePath(file)).isFile(), qPrintable(file));
        }
        QVERIFY(ModelStore(data.path()).selectedModel().isEmpty()); // not the library's model

        // Found on disk later, it is listed as a text model and cannot be chosen as the image model.
        ModelSetupDialog again(data.path(), folderManifest());
        again.show();
        auto *list = child<QListWidget>(&again, "discoveredList");
        QTRY_VERIFY_WITH_TIMEOUT(list->count() == 1 && list->item(0)->text().startsWith(installed), 60000);
        QVERIFY2(list->item(0)->text().contains(QLatin1String("Settings > Languages")),
                 qPrintable(list->item(0)->text()));
        QVERIFY(!(list->item(0)->flags() & Qt::ItemIsSelectable));
        QVERIFY(!child<QRadioButton>(&again, "discoveredChoice")->isEnabled());
    }

    // Chinese-CLIP is a full model: downloaded, its folder is the chosen model.
    void downloadsChineseClipAsTheModel()
    {
        LocalHttpServer server;
        QVERIFY(server.start());
        serveFolder(server, QStringLiteral("tiny-zh"), QStringLiteral("tiny-chinese-clip"), kZhFiles);
        QTemporaryDir home, data;
        useEmptyHome(home);
        ModelSetupDialog dialog(data.path(), folderManifest());
        dialog.setMirror(server.url(QStringLiteral("/hf")));
        dialog.show();
        auto *combo = child<QComboBox>(&dialog, "modelCombo");
        combo->setCurrentIndex(combo->findData(QStringLiteral("tiny-zh")));
        QVERIFY(!child<QLabel>(&dialog, "multilingualLabel")->isVisible());
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        QTest::mouseClick(child<QPushButton>(&dialog, "okButton"), Qt::LeftButton);
        QVERIFY(accepted.wait(60000));
        const QString installed = QDir(data.path()).filePath(QStringLiteral("models/tiny-zh"));
        QCOMPARE(dialog.modelPath(), installed);
        QCOMPARE(ModelStore(data.path()).selectedModel(), installed);
        QCOMPARE(dialog.modelCheck().kind, QStringLiteral("chinese-clip"));
        QCOMPARE(dialog.modelCheck().sha256,
                 readJsonObject(multilingualFixture(QStringLiteral("tiny-chinese-clip/expected.json")))
                     .value(QStringLiteral("sha256"))
                     .toObject()
                     .value(QStringLiteral("model.safetensors"))
                     .toString());
        QVERIFY(!QFileInfo::exists(installed + QStringLiteral(".part")));
    }
};

QTEST_MAIN(ModelSetupDialogTest)
#include "modelsetupdialogtest.moc"
