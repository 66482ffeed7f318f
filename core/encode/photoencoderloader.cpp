// SPDX-License-Identifier: MIT
#include "core/encode/photoencoderloader.h"

#include "core/encode/chineseclipencoder.h"
#include "core/models/modelcheck.h"
#include "core/models/modelstore.h"
#include "core/store/filehash.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace clipfind {

namespace {

bool isSentenceTransformersFolder(const QString &path)
{
    return QFileInfo(path).isDir() && QFileInfo(QDir(path).filePath(QStringLiteral("modules.json"))).isFile();
}

} // namespace

std::unique_ptr<PhotoEncoder> loadPhotoEncoder(const QString &path, const ClipEncoder::Settings &settings,
                                               QString *error)
{
    if (ChineseClipEncoder::isChineseClipFolder(path)) {
        // Settings::multilingualText pairs a text model with a CLIP model's space; Chinese-CLIP has its own text
        // tower, so a pairing chosen for another model does not apply here.
        return ChineseClipEncoder::load(path, settings.load, settings.dataDir, error);
    }
    if (isSentenceTransformersFolder(path)) {
        if (error) {
            *error = QCoreApplication::translate(
                         "clipfind::PhotoEncoderLoader",
                         "%1: a multilingual text model has no image tower; choose a CLIP model (or a "
                         "Chinese-CLIP folder) and this folder as its multilingual text model")
                         .arg(QDir::toNativeSeparators(path));
        }
        return nullptr;
    }
    return ClipEncoder::load(path, settings, error);
}

QString photoModelIdFor(const QString &path, const QString &dataDir, QString *error)
{
    if (ChineseClipEncoder::isChineseClipFolder(path)) {
        return ChineseClipEncoder::modelIdFor(path, dataDir, error);
    }
    const QString file = modelFileFor(path);
    return dataDir.isEmpty() ? sha256OfFile(file, error) : ModelStore(dataDir).sha256Of(file, error);
}

} // namespace clipfind
