// SPDX-License-Identifier: MIT
// What a model folder is and which id its rows are stored under, from its small files alone: the encoders' static
// functions that need no model, kept in libclipfind_core.so so that `status`, `index` of an unchanged folder and the
// model dialog can answer them without loading libclipfind_torch.so (engine/engine.h).
#include "core/encode/bertclipencoder.h"
#include "core/encode/chineseclipencoder.h"
#include "core/models/modelstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace clipfind {

namespace {

// config.json of a real model is about 2 KB; anything this large is not one.
constexpr qint64 kMaxConfigBytes = 1024 * 1024;

} // namespace

QString BertClipEncoder::configModelType(const QString &folder)
{
    QFile file(QDir(folder).filePath(QStringLiteral("config.json")));
    if (!QFileInfo(file.fileName()).isFile() || file.size() > kMaxConfigBytes || !file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QJsonDocument::fromJson(file.read(kMaxConfigBytes)).object().value(QStringLiteral("model_type")).toString();
}

bool BertClipEncoder::isBertClipFolder(const QString &path)
{
    const QFileInfo info(path);
    if (!info.isDir()) {
        return false;
    }
    if (QFileInfo(QDir(path).filePath(QStringLiteral("modules.json"))).isFile()) {
        return true;
    }
    return configModelType(path) == QLatin1String("chinese_clip");
}

bool ChineseClipEncoder::isChineseClipFolder(const QString &path)
{
    return QFileInfo(path).isDir() && BertClipEncoder::configModelType(path) == QLatin1String("chinese_clip");
}

QString ChineseClipEncoder::modelIdFor(const QString &folder, const QString &dataDir, QString *error)
{
    const QString file = QDir(folder).filePath(QStringLiteral("model.safetensors"));
    if (!QFileInfo(file).isFile()) {
        if (error) {
            *error = QCoreApplication::translate("clipfind::ChineseClipEncoder",
                                                 "%1: the Chinese-CLIP folder has no model.safetensors")
                         .arg(QDir::toNativeSeparators(folder));
        }
        return {};
    }
    const QString sha256 = ModelStore::sha256Of(file, dataDir, error);
    // Tagged: the rows are this folder's image tower and preprocessing, never a CLIP checkpoint's.
    return sha256.isEmpty() ? QString() : QStringLiteral("chinese-clip:") + sha256;
}

} // namespace clipfind
