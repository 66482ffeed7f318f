// SPDX-License-Identifier: MIT
#include "core/encode/photoencoderloader.h"

#include "core/encode/chineseclipencoder.h"
#include "core/engine/engine.h"
#include "core/engine/lazyphotoencoder.h"
#include "core/models/modelcheck.h"
#include "core/models/modelstore.h"

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
    if (settings.preload == ClipEncoder::Preload::Nothing) {
        return LazyPhotoEncoder::create(path, settings, error); // the engine is loaded when the model is needed
    }
    const Engine *models = modelEngine(error);
    return models ? models->loadPhotoEncoder(path, settings, error) : nullptr;
}

QString photoModelIdFor(const QString &path, const QString &dataDir, QString *error)
{
    if (ChineseClipEncoder::isChineseClipFolder(path)) {
        return ChineseClipEncoder::modelIdFor(path, dataDir, error);
    }
    return ModelStore::sha256Of(modelFileFor(path), dataDir, error);
}

} // namespace clipfind
