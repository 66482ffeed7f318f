// SPDX-License-Identifier: MIT
#include "core/models/modeldiscovery.h"

#include "core/models/modelmanifest.h"
#include "core/models/modelstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSet>

namespace clipfind {

namespace {

QStringList pythonClipCaches()
{
    // openai/CLIP downloads to os.path.expanduser("~/.cache/clip") whatever XDG says; some setups point
    // XDG_CACHE_HOME elsewhere and copy the files there, so look in both.
    QStringList dirs{QDir::homePath() + QStringLiteral("/.cache/clip")};
    const QString xdg = qEnvironmentVariable("XDG_CACHE_HOME");
    if (!xdg.isEmpty()) {
        dirs << xdg + QStringLiteral("/clip");
    }
    return dirs;
}

} // namespace

QString DiscoveredModel::originText() const
{
    switch (origin) {
    case Origin::PythonClipCache: return QStringLiteral("~/.cache/clip");
    case Origin::ClipFindModels: return QCoreApplication::translate("clipfind::DiscoveredModel", "ClipFind models");
    case Origin::UserChoice: break;
    }
    return QCoreApplication::translate("clipfind::DiscoveredModel", "chosen file");
}

QVector<DiscoveredModel> findModelCandidates(const QString &modelsDir, const QStringList &extraPaths)
{
    QVector<DiscoveredModel> found;
    QSet<QString> seen;
    auto add = [&](const QString &path, DiscoveredModel::Origin origin) {
        const QFileInfo info(path);
        const QString key = info.canonicalFilePath();
        if (key.isEmpty() || seen.contains(key)) {
            return;
        }
        seen.insert(key);
        DiscoveredModel model;
        model.path = info.absoluteFilePath();
        model.origin = origin;
        found << model;
    };
    for (const QString &dir : pythonClipCaches()) {
        for (const QFileInfo &file : QDir(dir).entryInfoList({QStringLiteral("*.pt")}, QDir::Files, QDir::Name)) {
            add(file.absoluteFilePath(), DiscoveredModel::Origin::PythonClipCache);
        }
    }
    const QDir models(modelsDir);
    for (const QFileInfo &file :
         models.entryInfoList({QStringLiteral("*.pt"), QStringLiteral("*.safetensors")}, QDir::Files, QDir::Name)) {
        add(file.absoluteFilePath(), DiscoveredModel::Origin::ClipFindModels);
    }
    for (const QFileInfo &folder : models.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        for (const char *name : {"model.safetensors", "open_clip_model.safetensors"}) {
            const QString file = QDir(folder.absoluteFilePath()).filePath(QLatin1String(name));
            if (QFileInfo(file).isFile()) {
                add(file, DiscoveredModel::Origin::ClipFindModels);
            }
        }
    }
    for (const QString &path : extraPaths) {
        add(path, DiscoveredModel::Origin::UserChoice);
    }
    return found;
}

QVector<DiscoveredModel> discoverModels(ModelStore &store, const ModelManifest &manifest, const QStringList &extraPaths)
{
    QVector<DiscoveredModel> models = findModelCandidates(store.modelsDir(), extraPaths);
    for (DiscoveredModel &model : models) {
        model.check = store.check(model.path, manifest);
    }
    return models;
}

} // namespace clipfind
