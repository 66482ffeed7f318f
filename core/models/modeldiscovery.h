// SPDX-License-Identifier: MIT
#pragma once

#include "core/models/modelcheck.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace clipfind {

class ModelManifest;
class ModelStore;

/// A model file found on disk, with where it was found and its verification.
struct DiscoveredModel {
    enum class Origin { PythonClipCache, ClipFindModels, UserChoice };
    QString path;
    Origin origin = Origin::UserChoice;
    ModelCheck check;

    /// "~/.cache/clip", "ClipFind models" or "chosen file".
    QString originText() const;
};

/// Where model files may already be: Python clip.load's ~/.cache/clip/*.pt (also under $XDG_CACHE_HOME), ClipFind's
/// own models folder (*.pt, *.safetensors, Hugging Face folders one level down) and `extraPaths`. Existing paths
/// only, each once, in that order.
QVector<DiscoveredModel> findModelCandidates(const QString &modelsDir, const QStringList &extraPaths = {});

/// findModelCandidates() with each candidate verified through the store (checkModelFile: the SHA-256 is compared
/// with the manifest before any parser reads the file; unknown files are read as data only, never compiled or
/// unpickled into code), so an unchanged file is only checked once. Slow the first time: off the GUI thread.
QVector<DiscoveredModel> discoverModels(ModelStore &store, const ModelManifest &manifest,
                                        const QStringList &extraPaths = {});

} // namespace clipfind
