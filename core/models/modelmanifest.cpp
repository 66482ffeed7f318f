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

} // namespace

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
        if (model.name.isEmpty()) {
            problems << QCoreApplication::translate("clipfind::ModelManifest", "a model without a name");
            continue;
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
            if (download.url.isEmpty() || download.installAs.isEmpty()) {
                problems << QCoreApplication::translate("clipfind::ModelManifest",
                                                        "%1: a download without url or install_as")
                                .arg(model.name);
            } else if (QDir::isAbsolutePath(download.installAs) || download.installAs.contains(QLatin1String(".."))) {
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
