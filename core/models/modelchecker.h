// SPDX-License-Identifier: MIT
#pragma once

#include "core/models/modelcheck.h"
#include "core/models/modeldiscovery.h"
#include "core/models/modelmanifest.h"

#include <QFuture>
#include <QString>
#include <QThreadPool>
#include <QVector>

namespace clipfind {

/// Finds and verifies model files for a window, on a pool of its own: both read whole checkpoints (seconds for
/// 600 MB the first time), so they never run on the GUI thread. Each call works on its own ModelStore of
/// `dataDir`. The destructor waits for what is running.
class ModelChecker
{
public:
    ModelChecker(const QString &dataDir, const ModelManifest &manifest);
    ~ModelChecker();
    ModelChecker(const ModelChecker &) = delete;
    ModelChecker &operator=(const ModelChecker &) = delete;

    /// discoverModels() of the data folder's store.
    QFuture<QVector<DiscoveredModel>> discover();
    /// ModelStore::check() of one file or Hugging Face folder.
    QFuture<ModelCheck> check(const QString &path);

private:
    QString m_dataDir;
    ModelManifest m_manifest;
    QThreadPool m_pool;
};

} // namespace clipfind
