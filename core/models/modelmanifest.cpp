// SPDX-License-Identifier: MIT
#include "core/models/modelmanifest.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace clipfind {

namespace {

bool isSha256(const QString &hex)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9a-f]{64}$"));
    return pattern.match(hex).hasMatch();
}

QString simplifiedName(QString name)
{
    return name.replace(QLatin1Char('-'), QLatin1Char('/')).toLower();
}

bool isSafeRelativePath(const QString &path)
{
    return !path.isEmpty() && !QDir::isAbsolutePath(path) && !path.split(QLatin1Char('/')).contains(QLatin1String(".."))
           && !path.contains(QLatin1Char('\\')) && !path.endsWith(QLatin1String(".part"));
}

// A folder download's files; problems go to *problems (prefixed with the model's name).
QVector<ModelDownloadFile> parseFiles(const QJsonArray &array, const QString &model, QStringList *problems)
{
    QVector<ModelDownloadFile> files;
    QStringList seen;
    for (const QJsonValue &value : array) {
        const QJsonObject o = value.toObject();
        ModelDownloadFile file;
        file.path = o.value(QStringLiteral("path")).toString();
        file.url = o.value(QStringLiteral("url")).toString();
        file.size = o.value(QStringLiteral("size")).toInteger();
        file.sizeApproximate = o.value(QStringLiteral("size_approximate")).toBool();
        file.sha256 = o.value(QStringLiteral("sha256")).toString().toLower();
        file.sha256Source = o.value(QStringLiteral("sha256_source")).toString();
        file.requiresSha256 = o.value(QStringLiteral("requires_sha256")).toBool();
        if (!isSafeRelativePath(file.path) || seen.contains(file.path)) {
            *problems << QCoreApplication::translate("clipfind::ModelManifest",
                                                     "%1: a file path must be new and stay inside the folder: '%2'")
                             .arg(model, file.path);
        } else if (file.url.isEmpty() || file.size <= 0) {
            *problems << QCoreApplication::translate("clipfind::ModelManifest", "%1: %2 needs a url and a size")
                             .arg(model, file.path);
        } else if (!file.sha256.isEmpty() && !isSha256(file.sha256)) {
            *problems << QCoreApplication::translate("clipfind::ModelManifest", "%1: bad sha256 '%2'")
                             .arg(model, file.sha256);
        } else {
            seen << file.path;
            files << file;
        }
    }
    return files;
}

} // namespace

QString modelKindName(ModelKind kind)
{
    switch (kind) {
    case ModelKind::MultilingualText: return QStringLiteral("multilingual-text");
    case ModelKind::ChineseClip: return QStringLiteral("chinese-clip");
    case ModelKind::Clip: break;
    }
    return QStringLiteral("clip");
}

bool parseModelKind(const QString &name, ModelKind *kind)
{
    for (const ModelKind candidate : {ModelKind::Clip, ModelKind::MultilingualText, ModelKind::ChineseClip}) {
        if (name == modelKindName(candidate)) {
            *kind = candidate;
            return true;
        }
    }
    return false;
}

bool ModelManifest::parse(const QByteArray &json, const QString &origin, ModelManifest *out, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject()) {
        *error = QCoreApplication::translate("clipfind::ModelManifest", "%1: not a JSON object (%2 at offset %3)")
                     .arg(origin, parseError.errorString())
                     .arg(parseError.offset);
        return false;
    }
    const QJsonObject root = document.object();
    if (root.value(QStringLiteral("format_version")).toInt() != 1) {
        *error = QCoreApplication::translate("clipfind::ModelManifest", "%1: unsupported format_version (expected 1)")
                     .arg(origin);
        return false;
    }
    ModelManifest manifest;
    manifest.m_origin = origin;
    manifest.m_default = root.value(QStringLiteral("default")).toString();
    QStringList problems;
    for (const QJsonValue &value : root.value(QStringLiteral("models")).toArray()) {
        const QJsonObject o = value.toObject();
        ManifestModel model;
        model.name = o.value(QStringLiteral("name")).toString();
        model.architecture = o.value(QStringLiteral("architecture")).toString();
        model.title = o.value(QStringLiteral("title")).toString(model.name);
        model.license = o.value(QStringLiteral("license")).toString();
        model.speed = o.value(QStringLiteral("speed")).toString();
        model.relativeCost = o.value(QStringLiteral("relative_cost")).toDouble(1);
        model.purpose = o.value(QStringLiteral("purpose")).toString();
        model.pairsWith = o.value(QStringLiteral("pairs_with")).toString();
        if (model.name.isEmpty()) {
            problems << QCoreApplication::translate("clipfind::ModelManifest", "a model without a name");
            continue;
        }
        const QString kind = o.value(QStringLiteral("kind")).toString(QStringLiteral("clip"));
        if (!parseModelKind(kind, &model.kind)) {
            problems << QCoreApplication::translate("clipfind::ModelManifest", "%1: unknown kind '%2'")
                            .arg(model.name, kind);
        }
        for (const QJsonValue &d : o.value(QStringLiteral("downloads")).toArray()) {
            const QJsonObject dl = d.toObject();
            ModelDownload download;
            download.url = dl.value(QStringLiteral("url")).toString();
            download.installAs = dl.value(QStringLiteral("install_as")).toString();
            download.format = dl.value(QStringLiteral("format")).toString();
            download.size = dl.value(QStringLiteral("size")).toInteger();
            download.sizeApproximate = dl.value(QStringLiteral("size_approximate")).toBool();
            download.sha256 = dl.value(QStringLiteral("sha256")).toString().toLower();
            download.sha256Source = dl.value(QStringLiteral("sha256_source")).toString();
            const int problemsBefore = int(problems.size());
            download.files = parseFiles(dl.value(QStringLiteral("files")).toArray(), model.name, &problems);
            if (download.isFolder()) {
                download.size = 0;
                for (const ModelDownloadFile &file : std::as_const(download.files)) {
                    download.size += file.size;
                    download.sizeApproximate = download.sizeApproximate || file.sizeApproximate;
                }
            }
            if (problems.size() != problemsBefore) {
                continue;
            }
            if ((download.url.isEmpty() && !download.isFolder()) || download.installAs.isEmpty()) {
                problems << QCoreApplication::translate("clipfind::ModelManifest",
                                                        "%1: a download without url or install_as")
                                .arg(model.name);
            } else if (!isSafeRelativePath(download.installAs)) {
                problems << QCoreApplication::translate("clipfind::ModelManifest",
                                                        "%1: install_as must stay inside the models folder: %2")
                                .arg(model.name, download.installAs);
            } else if (!download.sha256.isEmpty() && !isSha256(download.sha256)) {
                problems << QCoreApplication::translate("clipfind::ModelManifest", "%1: bad sha256 '%2'")
                                .arg(model.name, download.sha256);
            } else {
                model.downloads << download;
            }
        }
        for (const QJsonValue &k : o.value(QStringLiteral("known_files")).toArray()) {
            const QJsonObject kf = k.toObject();
            KnownModelFile known;
            known.file = kf.value(QStringLiteral("file")).toString();
            known.format = kf.value(QStringLiteral("format")).toString();
            known.size = kf.value(QStringLiteral("size")).toInteger();
            known.sha256 = kf.value(QStringLiteral("sha256")).toString().toLower();
            known.sha256Source = kf.value(QStringLiteral("sha256_source")).toString();
            if (!isSha256(known.sha256)) {
                problems << QCoreApplication::translate("clipfind::ModelManifest",
                                                        "%1: known file %2 has a bad sha256 '%3'")
                                .arg(model.name, known.file, known.sha256);
            } else {
                model.knownFiles << known;
            }
        }
        manifest.m_models << model;
    }
    if (manifest.m_models.isEmpty()) {
        problems << QCoreApplication::translate("clipfind::ModelManifest", "no models");
    }
    if (!manifest.m_default.isEmpty() && problems.isEmpty() && !manifest.find(manifest.m_default)) {
        problems << QCoreApplication::translate("clipfind::ModelManifest", "default model '%1' is not listed")
                        .arg(manifest.m_default);
    }
    if (!problems.isEmpty()) {
        *error = QStringLiteral("%1: %2").arg(origin, problems.join(QStringLiteral("; ")));
        return false;
    }
    *out = manifest;
    return true;
}

bool ModelManifest::load(const QString &path, ModelManifest *out, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    return parse(file.readAll(), path, out, error);
}

ModelManifest ModelManifest::builtIn()
{
    ModelManifest manifest;
    QString error;
    load(QStringLiteral(":/models/manifest.json"), &manifest, &error);
    return manifest;
}

bool ModelManifest::loadEffective(const QString &modelsDir, ModelManifest *out, QString *error)
{
    QString path = qEnvironmentVariable("CLIPFIND_MODEL_MANIFEST");
    if (path.isEmpty()) {
        const QString local = QDir(modelsDir).filePath(QStringLiteral("manifest.json"));
        if (QFile::exists(local)) {
            path = local;
        }
    }
    if (!path.isEmpty() && load(path, out, error)) {
        return true;
    }
    *out = builtIn();
    return path.isEmpty();
}

const ManifestModel *ModelManifest::find(const QString &name) const
{
    const QString wanted = simplifiedName(name);
    for (const ManifestModel &model : m_models) {
        if (simplifiedName(model.name) == wanted) {
            return &model;
        }
    }
    return nullptr;
}

const ManifestModel *ModelManifest::defaultModel() const
{
    const ManifestModel *model = find(m_default);
    return model ? model : (m_models.isEmpty() ? nullptr : &m_models.first());
}

const ManifestModel *ModelManifest::findBySha256(const QString &sha256) const
{
    if (sha256.isEmpty()) {
        return nullptr;
    }
    for (const ManifestModel &model : m_models) {
        for (const KnownModelFile &known : model.knownFiles) {
            if (known.sha256 == sha256) {
                return &model;
            }
        }
        for (const ModelDownload &download : model.downloads) {
            if (download.sha256 == sha256) {
                return &model;
            }
            for (const ModelDownloadFile &file : download.files) {
                if (file.sha256 == sha256) {
                    return &model;
                }
            }
        }
    }
    return nullptr;
}

QString applyMirror(const QString &url, const QString &mirror)
{
    const QString base = QLatin1String(kHuggingFaceBase);
    if (mirror.isEmpty() || !url.startsWith(base + QLatin1Char('/'))) {
        return url;
    }
    QString prefix = mirror;
    while (prefix.endsWith(QLatin1Char('/'))) {
        prefix.chop(1);
    }
    return prefix + url.mid(base.size());
}

} // namespace clipfind
