// SPDX-License-Identifier: MIT
#include "core/models/modelcheck.h"

#include "core/engine/engine.h"
#include "core/models/modelmanifest.h"
#include "core/store/filehash.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

namespace clipfind {

QString ModelCheck::label() const
{
    if (!ok) {
        return QCoreApplication::translate("clipfind::ModelCheck", "broken: %1").arg(error);
    }
    QString text = QCoreApplication::translate("clipfind::ModelCheck", "%1, %2", "architecture, file format")
                       .arg(architecture, format);
    if (!indexesImages()) {
        text += QCoreApplication::translate("clipfind::ModelCheck", ", a text model for Settings > Languages");
    }
    if (!manifestModel.isEmpty()) {
        text += QCoreApplication::translate("clipfind::ModelCheck", ", SHA-256 matches %1 in the manifest")
                    .arg(manifestModel);
    } else if (!hashSource.isEmpty()) {
        text += QCoreApplication::translate("clipfind::ModelCheck", ", SHA-256 matches %1").arg(hashSource);
    } else {
        text += QCoreApplication::translate("clipfind::ModelCheck", ", loads (hash not in the manifest)");
    }
    return text;
}

QJsonObject ModelCheck::toJson() const
{
    return {
        {QStringLiteral("ok"), ok},
        {QStringLiteral("path"), path},
        {QStringLiteral("file"), file},
        {QStringLiteral("size"), size},
        {QStringLiteral("sha256"), sha256},
        {QStringLiteral("format"), format},
        {QStringLiteral("architecture"), architecture},
        {QStringLiteral("manifest_model"), manifestModel},
        {QStringLiteral("hash_source"), hashSource},
        {QStringLiteral("kind"), kind},
        {QStringLiteral("error"), error},
        {QStringLiteral("label"), label()},
    };
}

ModelCheck ModelCheck::fromJson(const QJsonObject &json)
{
    ModelCheck check;
    check.ok = json.value(QStringLiteral("ok")).toBool();
    check.path = json.value(QStringLiteral("path")).toString();
    check.file = json.value(QStringLiteral("file")).toString();
    check.size = json.value(QStringLiteral("size")).toInteger();
    check.sha256 = json.value(QStringLiteral("sha256")).toString();
    check.format = json.value(QStringLiteral("format")).toString();
    check.architecture = json.value(QStringLiteral("architecture")).toString();
    check.manifestModel = json.value(QStringLiteral("manifest_model")).toString();
    check.hashSource = json.value(QStringLiteral("hash_source")).toString();
    check.kind = json.value(QStringLiteral("kind")).toString(QStringLiteral("clip"));
    check.error = json.value(QStringLiteral("error")).toString();
    return check;
}

QString modelFileFor(const QString &path)
{
    if (!QFileInfo(path).isDir()) {
        return path;
    }
    for (const char *name : {"model.safetensors", "open_clip_model.safetensors"}) {
        const QString file = QDir(path).filePath(QLatin1String(name));
        if (QFileInfo::exists(file)) {
            return file;
        }
    }
    return path;
}

namespace {

// Whether `folder`'s config.json says model_type "chinese_clip" (a real one is about 2 KB).
bool isChineseClipConfig(const QString &folder)
{
    QFile file(QDir(folder).filePath(QStringLiteral("config.json")));
    if (file.size() > 1024 * 1024 || !file.open(QIODevice::ReadOnly)) {
        return false;
    }
    return QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("model_type")).toString()
           == QLatin1String("chinese_clip");
}

/// The format the manifest records for the file with this hash (a known file or a pinned download).
QString manifestFormat(const ManifestModel &model, const QString &sha256)
{
    for (const KnownModelFile &known : model.knownFiles) {
        if (known.sha256 == sha256) {
            return known.format;
        }
    }
    for (const ModelDownload &download : model.downloads) {
        if (download.sha256 == sha256) {
            return download.format;
        }
        for (const ModelDownloadFile &file : download.files) {
            if (file.sha256 == sha256) {
                return download.format;
            }
        }
    }
    return {};
}

} // namespace

ModelCheck checkModelFile(const QString &path, const ModelManifest &manifest, const QString &expectedSha256,
                          const QString &hashSource)
{
    ModelCheck check;
    check.path = path;
    check.kind = modelKindName(ModelKind::Clip);
    check.file = modelFileFor(path);
    const QFileInfo info(check.file);
    if (!info.exists()) {
        check.error = QCoreApplication::translate("clipfind::ModelCheck", "%1: no such file").arg(path);
        return check;
    }
    if (info.isDir()) {
        check.error =
            QCoreApplication::translate("clipfind::ModelCheck",
                                        "%1: folder holds no model.safetensors or open_clip_model.safetensors")
                .arg(path);
        return check;
    }
    check.size = info.size();
    check.sha256 = sha256OfFile(check.file, &check.error);
    if (check.sha256.isEmpty()) {
        return check;
    }
    const QString expected = expectedSha256.toLower();
    if (!expected.isEmpty() && check.sha256 != expected) {
        check.error =
            QCoreApplication::translate("clipfind::ModelCheck", "%1: SHA-256 mismatch: expected %2 (%3), got %4")
                .arg(check.file, expected,
                     hashSource.isEmpty() ? QCoreApplication::translate("clipfind::ModelCheck", "given") : hashSource,
                     check.sha256);
        return check;
    }
    // Hash before parse: a file the manifest knows by its SHA-256 is the very file that was checked when the hash
    // was pinned, so no parser needs to touch it (and a forged file cannot pass for it). Unknown files go through
    // the checkpoint readers, which read data only (no TorchScript, no pickled code).
    if (const ManifestModel *model = manifest.findBySha256(check.sha256)) {
        check.format = manifestFormat(*model, check.sha256);
        check.architecture = model->architecture.isEmpty() ? model->name : model->architecture;
        check.manifestModel = model->name;
        check.kind = modelKindName(model->kind);
        check.hashSource = QStringLiteral("manifest");
        check.ok = true;
        return check;
    }
    std::string problem;
    if (check.file != path && isChineseClipConfig(path)) {
        // A Chinese-CLIP folder (config.json, model.safetensors, preprocessor_config.json) is read by its own
        // loader, as data, like every other checkpoint.
        const Engine *models = modelEngine(&check.error);
        if (!models || !models->checkChineseClipFolder(path, &check.error)) {
            return check;
        }
        check.format = QStringLiteral("hf-chinese-clip");
        check.architecture = QStringLiteral("Chinese-CLIP");
        check.ok = true;
        return check;
    }
    const Engine *models = modelEngine(&check.error);
    if (!models) {
        return check;
    }
    clip::CheckpointInfo checkpoint;
    if (!models->inspectCheckpoint(QFile::encodeName(check.file).toStdString(), &checkpoint, &problem)) {
        // The engine's reason is English and technical (kept as is); it names the file first, which the
        // translatable sentence around it does instead.
        QString detail = QString::fromStdString(problem);
        const QString prefix = check.file + QStringLiteral(": ");
        if (detail.startsWith(prefix)) {
            detail = detail.mid(prefix.size());
        }
        check.error = QCoreApplication::translate("clipfind::ModelCheck", "%1: cannot use this model file (%2)")
                          .arg(check.file, detail);
        return check;
    }
    check.format = QString::fromStdString(checkpoint.format);
    check.architecture = QString::fromStdString(clip::architectureName(checkpoint.config));
    if (!expected.isEmpty()) {
        check.hashSource =
            hashSource.isEmpty() ? QCoreApplication::translate("clipfind::ModelCheck", "the given hash") : hashSource;
    }
    check.ok = true;
    return check;
}

} // namespace clipfind
