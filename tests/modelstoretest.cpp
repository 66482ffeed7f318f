// SPDX-License-Identifier: MIT
// The model manifest, the store's verification record and discovery of model files already on disk (a fake home
// with Python clip.load's ~/.cache/clip/ViT-B-32.pt). Hashes come from the fixture generator's expected.json.
#include "fixturedata.h"
#include "testfiles.h"

#include "core/download/modeldownloader.h"
#include "core/models/modeldiscovery.h"
#include "core/models/modelmanifest.h"
#include "core/models/modelstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

QString fixtureSha256(const QString &model)
{
    return readExpected(model).json.value(QStringLiteral("sha256")).toString();
}

/// A manifest that knows the tiny OpenAI fixture model by its hash, as the real one knows OpenAI's ViT-B-32.pt
/// (or, given, another hash for its known ViT-B-32.pt).
QByteArray testManifestJson(const QString &knownSha256 = fixtureSha256(QStringLiteral("tiny-openai")))
{
    const QJsonObject download{
        {QStringLiteral("url"), QStringLiteral("https://huggingface.co/test/tiny/resolve/main/model.pt")},
        {QStringLiteral("install_as"), QStringLiteral("tiny/model.pt")},
        {QStringLiteral("format"), QStringLiteral("openai-torchscript")},
        {QStringLiteral("size"), 27882006},
        {QStringLiteral("sha256"), QString()}};
    const QJsonObject known{{QStringLiteral("file"), QStringLiteral("ViT-B-32.pt")},
                            {QStringLiteral("format"), QStringLiteral("openai-torchscript")},
                            {QStringLiteral("size"), 27882006},
                            {QStringLiteral("sha256"), knownSha256}};
    const QJsonObject model{{QStringLiteral("name"), QStringLiteral("tiny")},
                            {QStringLiteral("architecture"), QStringLiteral("custom ViT")},
                            {QStringLiteral("license"), QStringLiteral("MIT")},
                            {QStringLiteral("downloads"), QJsonArray{download}},
                            {QStringLiteral("known_files"), QJsonArray{known}}};
    return QJsonDocument(QJsonObject{{QStringLiteral("format_version"), 1},
                                     {QStringLiteral("default"), QStringLiteral("tiny")},
                                     {QStringLiteral("models"), QJsonArray{model}}})
        .toJson();
}

} // namespace

class ModelStoreTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtInManifestListsTheOpenAiModels()
    {
        const ModelManifest manifest = ModelManifest::builtIn();
        QCOMPARE(manifest.origin(), QStringLiteral(":/models/manifest.json"));
        QVERIFY(manifest.defaultModel());
        QCOMPARE(manifest.defaultModel()->name, QStringLiteral("ViT-B/32"));
        for (const char *name : {"ViT-B/32", "ViT-B/16", "ViT-L/14"}) {
            const ManifestModel *model = manifest.find(QLatin1String(name));
            QVERIFY2(model, name);
            QVERIFY(!model->downloads.isEmpty());
            QVERIFY(model->downloads.first().url.startsWith(QLatin1String("https://huggingface.co/")));
            QVERIFY(model->downloadSize() > 0);
            QVERIFY(!model->speed.isEmpty());
        }
        QCOMPARE(manifest.find(QStringLiteral("vit-b-32")), manifest.find(QStringLiteral("ViT-B/32")));
        // openai/CLIP clip.py _MODELS: https://openaipublic.azureedge.net/clip/models/<sha256>/ViT-B-32.pt
        const ManifestModel *b32 =
            manifest.findBySha256(QStringLiteral("40d365715913c9da98579312b702a82c18be219cc2a73407c4526f58eba950af"));
        QVERIFY(b32);
        QCOMPARE(b32->name, QStringLiteral("ViT-B/32"));
        QVERIFY(!manifest.find(QStringLiteral("RN50")));
    }

    // Issue 15: both multilingual models, as folders of files. The pinned hash is the one Hugging Face shows for
    // clip-ViT-B-32-multilingual-v1's model.safetensors (Git LFS details on its file page).
    void builtInManifestListsTheMultilingualModels()
    {
        const ModelManifest manifest = ModelManifest::builtIn();
        const ManifestModel *text = manifest.find(QStringLiteral("clip-ViT-B-32-multilingual-v1"));
        QVERIFY(text);
        QCOMPARE(text->kind, ModelKind::MultilingualText);
        QCOMPARE(text->pairsWith, QStringLiteral("ViT-B/32"));
        QVERIFY(manifest.find(text->pairsWith));
        QVERIFY(!text->purpose.isEmpty());
        QVERIFY(text->downloads.first().isFolder());
        QStringList paths;
        for (const ModelDownloadFile &file : text->downloads.first().files) {
            paths << file.path;
            QVERIFY2(file.url.startsWith(QLatin1String("https://huggingface.co/sentence-transformers/"
                                                       "clip-ViT-B-32-multilingual-v1/resolve/")),
                     qPrintable(file.url));
            QVERIFY2(file.url.endsWith(QLatin1Char('/') + file.path), qPrintable(file.url));
            QVERIFY(file.size > 0);
            // Weights always need a hash (pinned or published); small text files may go by their size cap.
            QVERIFY2(file.requiresSha256 == file.path.endsWith(QLatin1String(".safetensors")), qPrintable(file.path));
            QVERIFY2(file.requiresSha256 || file.size <= kMaxUnhashedFileBytes, qPrintable(file.path));
        }
        for (const char *needed :
             {"config.json", "model.safetensors", "modules.json", "sentence_bert_config.json", "tokenizer.json",
              "vocab.txt", "1_Pooling/config.json", "2_Dense/config.json", "2_Dense/model.safetensors"}) {
            QVERIFY2(paths.contains(QLatin1String(needed)), needed);
        }
        const ManifestModel *pinned =
            manifest.findBySha256(QStringLiteral("7b968c09938603158413ea2c91af82e82158ebb6db901a6cf97c28ce7d7ebc6d"));
        QCOMPARE(pinned, text);
        QVERIFY(text->downloadSize() > 539000000 && text->downloadSize() < 545000000);

        const ManifestModel *chinese = manifest.find(QStringLiteral("chinese-clip-vit-base-patch16"));
        QVERIFY(chinese);
        QCOMPARE(chinese->kind, ModelKind::ChineseClip);
        QStringList chineseFiles;
        for (const ModelDownloadFile &file : chinese->downloads.first().files) {
            chineseFiles << file.path;
            QVERIFY2(!file.path.endsWith(QLatin1String(".bin")) && !file.path.endsWith(QLatin1String(".pt")),
                     qPrintable(file.path)); // never a pickle
        }
        for (const char *needed : {"config.json", "preprocessor_config.json", "vocab.txt", "model.safetensors"}) {
            QVERIFY2(chineseFiles.contains(QLatin1String(needed)), needed);
        }
        // A folder model's install path is its folder; the sources carry every file through the mirror.
        QTemporaryDir data;
        const ModelStore store(data.path());
        const QVector<DownloadSource> sources = store.downloadSources(*text, QStringLiteral("https://mirror.example"));
        QCOMPARE(sources.size(), 1);
        QCOMPARE(sources.first().targetPath,
                 QDir(store.modelsDir()).filePath(QStringLiteral("clip-ViT-B-32-multilingual-v1")));
        QCOMPARE(sources.first().files.size(), text->downloads.first().files.size());
        QVERIFY(sources.first().files.first().url.toString().startsWith(QLatin1String("https://mirror.example/")));
        QCOMPARE(sources.first().kind, QStringLiteral("multilingual-text"));
    }

    void brokenFolderManifestsAreRejected()
    {
        auto manifestWith = [](const QJsonObject &file) {
            const QJsonObject download{{QStringLiteral("install_as"), QStringLiteral("m")},
                                       {QStringLiteral("files"), QJsonArray{file}}};
            const QJsonObject model{{QStringLiteral("name"), QStringLiteral("x")},
                                    {QStringLiteral("downloads"), QJsonArray{download}}};
            return QJsonDocument(QJsonObject{{QStringLiteral("format_version"), 1},
                                             {QStringLiteral("models"), QJsonArray{model}}})
                .toJson();
        };
        const QString url = QStringLiteral("https://x/y");
        ModelManifest manifest;
        QString error;
        for (const QString &path :
             {QStringLiteral("../up"), QStringLiteral("/etc/passwd"), QStringLiteral("a/../../b"), QString()}) {
            QVERIFY(!ModelManifest::parse(
                manifestWith(
                    {{QStringLiteral("path"), path}, {QStringLiteral("url"), url}, {QStringLiteral("size"), 10}}),
                QStringLiteral("m.json"), &manifest, &error));
            QVERIFY2(error.contains(QLatin1String("stay inside the folder")), qPrintable(error));
        }
        QVERIFY(!ModelManifest::parse(
            manifestWith({{QStringLiteral("path"), QStringLiteral("a.json")}, {QStringLiteral("url"), url}}),
            QStringLiteral("m.json"), &manifest, &error));
        QVERIFY2(error.contains(QLatin1String("needs a url and a size")), qPrintable(error));
        QVERIFY(ModelManifest::parse(manifestWith({{QStringLiteral("path"), QStringLiteral("sub/a.json")},
                                                   {QStringLiteral("url"), url},
                                                   {QStringLiteral("size"), 10}}),
                                     QStringLiteral("m.json"), &manifest, &error));
        QCOMPARE(manifest.models().first().downloadSize(), qint64(10));
    }

    void brokenManifestsAreRejectedWithTheReason()
    {
        ModelManifest manifest;
        QString error;
        QVERIFY(!ModelManifest::parse("{not json", QStringLiteral("m.json"), &manifest, &error));
        QVERIFY2(error.startsWith(QLatin1String("m.json: ")), qPrintable(error));
        const QByteArray escapes = "{\"format_version\": 1, \"models\": [{\"name\": \"x\", \"downloads\": ["
                                   "{\"url\": \"https://x/y\", \"install_as\": \"../../etc/x\"}]}]}";
        QVERIFY(!ModelManifest::parse(escapes, QStringLiteral("m.json"), &manifest, &error));
        QVERIFY2(error.contains(QLatin1String("inside the models folder")), qPrintable(error));
        const QByteArray badHash = "{\"format_version\": 1, \"models\": [{\"name\": \"x\", \"downloads\": ["
                                   "{\"url\": \"https://x/y\", \"install_as\": \"y\", \"sha256\": \"abc\"}]}]}";
        QVERIFY(!ModelManifest::parse(badHash, QStringLiteral("m.json"), &manifest, &error));
        QVERIFY2(error.contains(QLatin1String("bad sha256 'abc'")), qPrintable(error));
        const QByteArray newer = "{\"format_version\": 2, \"models\": []}";
        QVERIFY(!ModelManifest::parse(newer, QStringLiteral("m.json"), &manifest, &error));
        QVERIFY2(error.contains(QLatin1String("format_version")), qPrintable(error));
    }

    void manifestOverrideInTheModelsFolder()
    {
        QTemporaryDir dir;
        const ModelStore store(dir.path());
        QVERIFY(QDir().mkpath(store.modelsDir()));
        QVERIFY(writeBytes(QDir(store.modelsDir()).filePath(QStringLiteral("manifest.json")), testManifestJson()));
        ModelManifest manifest;
        QString error;
        QVERIFY2(ModelManifest::loadEffective(store.modelsDir(), &manifest, &error), qPrintable(error));
        QCOMPARE(manifest.defaultModel()->name, QStringLiteral("tiny"));

        QVERIFY(writeBytes(QDir(store.modelsDir()).filePath(QStringLiteral("manifest.json")), "[]"));
        QVERIFY(!ModelManifest::loadEffective(store.modelsDir(), &manifest, &error));
        QVERIFY2(error.contains(QLatin1String("manifest.json")), qPrintable(error));
        QCOMPARE(manifest.defaultModel()->name, QStringLiteral("ViT-B/32")); // falls back to the built-in one
    }

    void mirrorReplacesOnlyTheHuggingFacePrefix()
    {
        const QString url =
            QStringLiteral("https://huggingface.co/openai/clip-vit-base-patch32/resolve/main/model.safetensors");
        QCOMPARE(applyMirror(url, QStringLiteral("https://hf-mirror.com/")),
                 QStringLiteral("https://hf-mirror.com/openai/clip-vit-base-patch32/resolve/main/model.safetensors"));
        QCOMPARE(
            applyMirror(url, QStringLiteral("http://127.0.0.1:8080/hf")),
            QStringLiteral("http://127.0.0.1:8080/hf/openai/clip-vit-base-patch32/resolve/main/model.safetensors"));
        QCOMPARE(applyMirror(url, QString()), url);
        const QString other = QStringLiteral("https://example.org/ViT-B-32.pt");
        QCOMPARE(applyMirror(other, QStringLiteral("https://hf-mirror.com")), other);
        QCOMPARE(applyMirror(QStringLiteral("https://huggingface.com.evil/x"), QStringLiteral("https://m")),
                 QStringLiteral("https://huggingface.com.evil/x"));

        QTemporaryDir dir;
        const ModelStore store(dir.path());
        ModelManifest manifest;
        QString error;
        QVERIFY(ModelManifest::parse(testManifestJson(), QStringLiteral("test"), &manifest, &error));
        const QVector<DownloadSource> sources =
            store.downloadSources(*manifest.defaultModel(), QStringLiteral("http://m"));
        QCOMPARE(sources.size(), 1);
        QCOMPARE(sources[0].url.toString(), QStringLiteral("http://m/test/tiny/resolve/main/model.pt"));
        QCOMPARE(sources[0].targetPath, QDir(dir.path()).filePath(QStringLiteral("models/tiny/model.pt")));
    }

    void discoversPythonClipCacheAndLabelsEachFile()
    {
        QTemporaryDir home;
        QTemporaryDir data;
        qputenv("HOME", home.path().toUtf8());
        qunsetenv("XDG_CACHE_HOME");
        const QString clipCache = home.filePath(QStringLiteral(".cache/clip"));
        QVERIFY(QDir().mkpath(clipCache));
        QVERIFY(
            QFile::copy(dataPath(QStringLiteral("tiny-openai/model.pt")), clipCache + QStringLiteral("/ViT-B-32.pt")));
        // A download cut short, as a killed clip.load leaves it.
        QVERIFY(writeBytes(clipCache + QStringLiteral("/ViT-B-16.pt"),
                           readBytes(dataPath(QStringLiteral("tiny-openai/model.pt"))).left(100000)));
        QVERIFY(writeBytes(clipCache + QStringLiteral("/notes.txt"), "not a model"));
        // A Hugging Face folder in ClipFind's own models folder.
        ModelStore store(data.path());
        const QString hfFolder = QDir(store.modelsDir()).filePath(QStringLiteral("clip-tiny-hf"));
        QVERIFY(QDir().mkpath(hfFolder));
        for (const char *file : {"model.safetensors", "config.json"}) {
            QVERIFY(QFile::copy(dataPath(QStringLiteral("tiny-hf/")) + QLatin1String(file),
                                hfFolder + QLatin1Char('/') + QLatin1String(file)));
        }
        ModelManifest manifest;
        QString error;
        QVERIFY(ModelManifest::parse(testManifestJson(), QStringLiteral("test"), &manifest, &error));

        const QVector<DiscoveredModel> found = discoverModels(store, manifest);
        QCOMPARE(found.size(), 3);
        QCOMPARE(found[0].path, QFileInfo(clipCache + QStringLiteral("/ViT-B-16.pt")).absoluteFilePath());
        QCOMPARE(found[0].origin, DiscoveredModel::Origin::PythonClipCache);
        QVERIFY(!found[0].check.ok);
        QVERIFY2(found[0].check.label().startsWith(QLatin1String("broken: ")), qPrintable(found[0].check.label()));
        QVERIFY2(found[0].check.error.contains(QLatin1String("ViT-B-16.pt")), qPrintable(found[0].check.error));

        QCOMPARE(found[1].path, QFileInfo(clipCache + QStringLiteral("/ViT-B-32.pt")).absoluteFilePath());
        QCOMPARE(found[1].origin, DiscoveredModel::Origin::PythonClipCache);
        QVERIFY2(found[1].check.ok, qPrintable(found[1].check.error));
        QCOMPARE(found[1].check.sha256, fixtureSha256(QStringLiteral("tiny-openai")));
        QCOMPARE(found[1].check.manifestModel, QStringLiteral("tiny")); // recognised by its hash
        QCOMPARE(found[1].check.format, QStringLiteral("openai-torchscript"));
        QVERIFY2(found[1].check.label().contains(QLatin1String("matches tiny")), qPrintable(found[1].check.label()));

        QCOMPARE(found[2].path, hfFolder + QStringLiteral("/model.safetensors"));
        QCOMPARE(found[2].origin, DiscoveredModel::Origin::ClipFindModels);
        QVERIFY2(found[2].check.ok, qPrintable(found[2].check.error));
        QCOMPARE(found[2].check.sha256, fixtureSha256(QStringLiteral("tiny-hf")));
        QCOMPARE(found[2].check.format, QStringLiteral("hf-safetensors"));
        QVERIFY(found[2].check.manifestModel.isEmpty());
        QVERIFY2(found[2].check.label().contains(QLatin1String("hash not in the manifest")),
                 qPrintable(found[2].check.label()));

        // A path the user picks is added after the automatic places, and only once.
        const QVector<DiscoveredModel> withChoice =
            findModelCandidates(store.modelsDir(), {dataPath(QStringLiteral("tiny-openai/model.pt")),
                                                    clipCache + QStringLiteral("/ViT-B-32.pt")});
        QCOMPARE(withChoice.size(), 4);
        QCOMPARE(withChoice.last().origin, DiscoveredModel::Origin::UserChoice);
    }

    void verifiesOnceAndAgainWhenTheFileChanges()
    {
        QTemporaryDir dir;
        ModelStore store(dir.path());
        ModelManifest manifest;
        QString error;
        QVERIFY(ModelManifest::parse(testManifestJson(), QStringLiteral("test"), &manifest, &error));
        const QString model = dir.filePath(QStringLiteral("model.pt"));
        QVERIFY(QFile::copy(dataPath(QStringLiteral("tiny-openai/model.pt")), model));
        QVERIFY(!store.recorded(model).ok);
        const ModelCheck first = store.check(model, manifest);
        QVERIFY2(first.ok, qPrintable(first.error));
        QVERIFY(store.recorded(model).ok);
        QCOMPARE(ModelStore(dir.path()).recorded(model).sha256, first.sha256); // persisted

        // Edited in place with the same size, the modification time set back: the change time tells, so the file
        // is checked again and its changed bytes no longer match.
        QFile file(model);
        QVERIFY(file.open(QIODevice::ReadWrite));
        const QDateTime mtime = file.fileTime(QFileDevice::FileModificationTime);
        QByteArray bytes = file.readAll();
        bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0xFF);
        QVERIFY(file.seek(0));
        QCOMPARE(file.write(bytes), qint64(bytes.size()));
        file.close();
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(mtime, QFileDevice::FileModificationTime));
        file.close();
        QCOMPARE(file.fileTime(QFileDevice::FileModificationTime), mtime);
        QVERIFY(!store.recorded(model).ok);
        const ModelCheck edited =
            store.check(model, manifest, fixtureSha256(QStringLiteral("tiny-openai")), QStringLiteral("test"));
        QVERIFY(!edited.ok);
        QVERIFY2(edited.error.contains(QLatin1String("SHA-256 mismatch")), qPrintable(edited.error));
    }

    // Issue 12: a start does not hash the model file again while it keeps its identity (device, inode, size,
    // modification and change time); any change makes it hash the file again.
    void remembersTheHashWhileTheFileIsUnchanged()
    {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("model.pt"));
        QVERIFY(QFile::copy(dataPath(QStringLiteral("tiny-openai/model.pt")), model));
        const QString sha256 = fixtureSha256(QStringLiteral("tiny-openai"));
        QString error;
        QCOMPARE(ModelStore(dir.path()).sha256Of(model, &error), sha256); // hashed and remembered
        const QString recordPath = dir.filePath(QStringLiteral("models/verified.json"));
        QJsonObject records = readJsonObject(recordPath);
        const QJsonObject entry =
            records[QStringLiteral("hashes")].toObject()[QFileInfo(model).absoluteFilePath()].toObject();
        QCOMPARE(entry[QStringLiteral("sha256")].toString(), sha256);

        // Proof that the record is what answers (the file is not read): a record with another hash for the same
        // identity is believed.
        const QString forged = QString(64, QLatin1Char('a'));
        QJsonObject hashes = records[QStringLiteral("hashes")].toObject();
        QJsonObject forgedEntry = entry;
        forgedEntry[QStringLiteral("sha256")] = forged;
        hashes[QFileInfo(model).absoluteFilePath()] = forgedEntry;
        records[QStringLiteral("hashes")] = hashes;
        QVERIFY(writeBytes(recordPath, QJsonDocument(records).toJson()));
        QCOMPARE(ModelStore(dir.path()).sha256Of(model, &error), forged);

        // Same size, a new modification time: hashed again (the true hash replaces the forged one).
        QFile file(model);
        QVERIFY(file.open(QIODevice::ReadWrite));
        const QDateTime mtime = file.fileTime(QFileDevice::FileModificationTime);
        QVERIFY(file.setFileTime(mtime.addSecs(60), QFileDevice::FileModificationTime));
        file.close();
        QCOMPARE(ModelStore(dir.path()).sha256Of(model, &error), sha256);

        // Same size, new content, the modification time restored: the change time still tells.
        QByteArray bytes = readBytes(model);
        bytes[bytes.size() / 3] = char(bytes[bytes.size() / 3] ^ 0x55);
        const QDateTime before = QFileInfo(model).lastModified();
        QVERIFY(writeBytes(model, bytes));
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(before, QFileDevice::FileModificationTime));
        file.close();
        QCOMPARE(QFileInfo(model).size(), qint64(bytes.size()));
        const QString changed = ModelStore(dir.path()).sha256Of(model, &error);
        QCOMPARE(changed, QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
        QVERIFY(changed != sha256);

        // Another file renamed into place (a new inode, same size and times): hashed again.
        const QString replacement = dir.filePath(QStringLiteral("replacement.pt"));
        QVERIFY(QFile::copy(dataPath(QStringLiteral("tiny-openai/model.pt")), replacement));
        QVERIFY(QFile::remove(model));
        QVERIFY(QFile::rename(replacement, model));
        QCOMPARE(ModelStore(dir.path()).sha256Of(model, &error), sha256);
    }

    void discoveryReadsUnknownFilesAsDataOnly()
    {
        // Issue 11: ~/.cache/clip/*.pt is read when the model dialog opens and by `models list`. Crafted archives
        // whose code (TorchScript __setstate__) or pickle (os.system, builtins.eval) would create a marker file
        // are refused or read as tensors only; the marker never appears.
        QTemporaryDir home;
        QTemporaryDir data;
        QTemporaryDir scratch;
        qputenv("HOME", home.path().toUtf8());
        qunsetenv("XDG_CACHE_HOME");
        const QString clipCache = home.filePath(QStringLiteral(".cache/clip"));
        QVERIFY(QDir().mkpath(clipCache));
        const QStringList crafted{QStringLiteral("builtins-eval.pt"), QStringLiteral("os-system.pt"),
                                  QStringLiteral("setstate-dict.pt"), QStringLiteral("setstate-tuple.pt")};
        for (const QString &file : crafted) {
            QVERIFY(QFile::copy(dataPath(QStringLiteral("hostile/") + file), clipCache + QLatin1Char('/') + file));
        }
        ModelStore store(data.path());
        ModelManifest manifest;
        QString error;
        QVERIFY(ModelManifest::parse(testManifestJson(), QStringLiteral("test"), &manifest, &error));

        QVector<DiscoveredModel> found;
        {
            const WorkingDirectoryScope inScratch(scratch.path());
            found = discoverModels(store, manifest);
        }
        QVERIFY(!QFileInfo::exists(scratch.filePath(QStringLiteral("clipfind-hostile-marker"))));
        QCOMPARE(found.size(), crafted.size());
        const QStringList expected{QStringLiteral("the Python global builtins.eval"),
                                   QStringLiteral("the Python global os.system"),
                                   QStringLiteral("not a CLIP ViT checkpoint"), // its one tensor, read as data
                                   QStringLiteral("has a custom __setstate__")};
        for (int i = 0; i < found.size(); ++i) {
            const ModelCheck &check = found[i].check;
            QVERIFY2(!check.ok, qPrintable(crafted[i]));
            QVERIFY2(check.error.startsWith(clipCache + QLatin1Char('/') + crafted[i] + QStringLiteral(": ")),
                     qPrintable(check.error));
            QVERIFY2(check.error.contains(expected[i]), qPrintable(check.error));
            QVERIFY2(!check.error.contains(QLatin1Char('\n')), qPrintable(check.error));
        }
    }

    void knownHashIsComparedBeforeAnyParser()
    {
        // A file the manifest knows by its SHA-256 is recognised without being parsed: here its bytes are no model
        // at all, which any parser would refuse, and it still checks out as the manifest's model.
        QTemporaryDir home;
        QTemporaryDir data;
        qputenv("HOME", home.path().toUtf8());
        qunsetenv("XDG_CACHE_HOME");
        const QString clipCache = home.filePath(QStringLiteral(".cache/clip"));
        QVERIFY(QDir().mkpath(clipCache));
        const QByteArray bytes("hello, I am not a model\n");
        QVERIFY(writeBytes(clipCache + QStringLiteral("/ViT-B-32.pt"), bytes));
        const QString sha256 = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        ModelManifest manifest;
        QString error;
        QVERIFY(ModelManifest::parse(testManifestJson(sha256), QStringLiteral("test"), &manifest, &error));
        ModelStore store(data.path());

        const QVector<DiscoveredModel> found = discoverModels(store, manifest);
        QCOMPARE(found.size(), 1);
        const ModelCheck &check = found[0].check;
        QVERIFY2(check.ok, qPrintable(check.error));
        QCOMPARE(check.sha256, sha256);
        QCOMPARE(check.manifestModel, QStringLiteral("tiny"));
        QCOMPARE(check.format, QStringLiteral("openai-torchscript")); // from the manifest's known_files entry
        QCOMPARE(check.architecture, QStringLiteral("custom ViT"));

        // The same bytes under a manifest that does not know them go to the parser, which refuses them.
        ModelManifest other;
        QVERIFY(ModelManifest::parse(testManifestJson(), QStringLiteral("test"), &other, &error));
        const ModelCheck unknown = checkModelFile(clipCache + QStringLiteral("/ViT-B-32.pt"), other);
        QVERIFY(!unknown.ok);
        QVERIFY2(unknown.error.contains(QStringLiteral("unknown format")), qPrintable(unknown.error));
    }

    void remembersTheSelectedModel()
    {
        QTemporaryDir dir;
        ModelStore store(dir.path());
        QVERIFY(store.selectedModel().isEmpty());
        QString error;
        QVERIFY2(store.setSelectedModel(dir.filePath(QStringLiteral("a/model.pt")), &error), qPrintable(error));
        QCOMPARE(ModelStore(dir.path()).selectedModel(),
                 QFileInfo(dir.filePath(QStringLiteral("a/model.pt"))).absoluteFilePath());
    }
};

QTEST_GUILESS_MAIN(ModelStoreTest)
#include "modelstoretest.moc"
