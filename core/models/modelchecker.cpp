// SPDX-License-Identifier: MIT
#include "core/models/modelchecker.h"

#include "core/models/modelstore.h"
#include "core/threads/pooltasks.h"

namespace clipfind {

ModelChecker::ModelChecker(const QString &dataDir, const ModelManifest &manifest)
    : m_dataDir(dataDir)
    , m_manifest(manifest)
{
    m_pool.setMaxThreadCount(2);
    m_pool.setObjectName(QStringLiteral("clipfind-model-checks"));
}

ModelChecker::~ModelChecker()
{
    waitForPool(m_pool);
}

QFuture<QVector<DiscoveredModel>> ModelChecker::discover()
{
    return runOnPool(m_pool, [dataDir = m_dataDir, manifest = m_manifest] {
        ModelStore store(dataDir); // one store per thread
        return discoverModels(store, manifest);
    });
}

QFuture<ModelCheck> ModelChecker::check(const QString &path)
{
    return runOnPool(m_pool, [dataDir = m_dataDir, manifest = m_manifest, path] {
        ModelStore store(dataDir);
        return store.check(path, manifest);
    });
}

} // namespace clipfind
