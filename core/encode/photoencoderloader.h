// SPDX-License-Identifier: MIT
#pragma once

#include "core/encode/clipencoder.h"
#include "core/encode/photoencoder.h"

#include <QString>

#include <memory>

namespace clipfind {

/// Loads what `path` holds as a library's model, recognised from its files: a Chinese-CLIP folder (config.json with
/// model_type "chinese_clip": ChineseClipEncoder, which reads it whole) or a CLIP checkpoint file or Hugging Face CLIP
/// folder (ClipEncoder, staged as `settings` says). A sentence-transformers text model is refused: it has no image
/// tower (it pairs with a CLIP model, Settings::multilingualText). Null with *error, one line naming the path and the
/// problem. The encoders live in libclipfind_torch.so (core/engine/engine.h): with Preload::Nothing the result is a
/// LazyPhotoEncoder, which loads it only when the model is needed; otherwise it is loaded now.
std::unique_ptr<PhotoEncoder> loadPhotoEncoder(const QString &path, const ClipEncoder::Settings &settings,
                                               QString *error);

/// The id loadPhotoEncoder(path)->modelId() gives, from the model file's SHA-256 alone (remembered in `dataDir`'s
/// model store; empty `dataDir`: hashed every time): for counting or comparing stored rows without loading a model.
/// Empty with *error when the file cannot be hashed.
QString photoModelIdFor(const QString &path, const QString &dataDir, QString *error);

} // namespace clipfind
