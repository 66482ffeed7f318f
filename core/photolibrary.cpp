// SPDX-License-Identifier: MIT
#include "core/photolibrary.h"

#include "core/store/librarydatabase.h"
#include "core/index/libraryindexer.h"
#include "core/search/livesearch.h"
#include "core/search/searchengine.h"

#include <QFileInfo>

namespace clipfind {

PhotoLibrary::PhotoLibrary(const QString &databasePath, const ThumbnailCache *thumbnails, QObject *parent)
    : QObject(parent),
      m_databasePath(databasePath),
      m_indexer(new LibraryIndexer(databasePath, thumbnails, this)),
      m_search(new LiveSearch(this))
{
    m_pool.setMaxThreadCount(2);
    m_pool.setObjectName(QStringLiteral("clipfind-loading"));
    m_indexer->setCommittedHook([search = m_search](const IndexedRows &rows) { search->applyRows(rows); });
    connect(m_indexer, &LibraryIndexer::rowsChanged, m_search, &LiveSearch::scheduleRefresh);
    connect(m_indexer, &LibraryIndexer::stateChanged, this, [this](LibraryIndexer::State state) {
        m_search->setIndexingActive(state == LibraryIndexer::State::Running);
    });
    // A cache that could not be read for searching (busy, damaged and rebuilt) is tried again after each run.
    connect(m_indexer, &LibraryIndexer::runFinished, this, [this] {
        if (!m_engineLoaded && m_encoder && !m_folder.isEmpty()) {
            loadEngine();
        }
    });
}

PhotoLibrary::~PhotoLibrary()
{
    ++m_modelRequest;
    ++m_folderRequest;
    m_pool.waitForDone();
    // The indexer and the search die with this object (children); the indexer waits for its run.
}

void PhotoLibrary::loadModel(const QString &path, const ClipEncoder::Settings &settings)
{
    const quint64 request = ++m_modelRequest;
    m_loadingModel = true;
    Q_EMIT modelLoading(path);
    m_pool.start([this, request, path, settings] {
        QString error;
        std::shared_ptr<ClipEncoder> encoder = ClipEncoder::load(path, settings, &error);
        QMetaObject::invokeMethod(
            this,
            [this, request, encoder, error] {
                if (request != m_modelRequest) {
                    return;
                }
                m_loadingModel = false;
                if (!encoder) {
                    Q_EMIT modelFailed(error);
                    return;
                }
                setEncoder(encoder);
            },
            Qt::QueuedConnection);
    });
}

void PhotoLibrary::setEncoder(std::shared_ptr<ClipEncoder> encoder)
{
    m_encoder = std::move(encoder);
    m_loadingModel = false;
    if (m_encoder) {
        Q_EMIT modelReady(QStringLiteral("%1 on %2")
                              .arg(m_encoder->describe().value(QStringLiteral("architecture")).toString(),
                                   m_encoder->deviceDescription()));
    }
    if (!m_folder.isEmpty()) {
        startFolder();
    }
}

bool PhotoLibrary::openFolder(const QString &folder, const IndexOptions &options, QString *error)
{
    const QString canonical = QFileInfo(folder).canonicalFilePath();
    if (canonical.isEmpty() || !QFileInfo(canonical).isDir()) {
        if (error) {
            *error = tr("%1: not a folder or not readable").arg(folder);
        }
        return false;
    }
    m_folder = canonical;
    m_options = options;
    Q_EMIT folderOpened(canonical);
    if (m_encoder) {
        startFolder();
    }
    return true;
}

void PhotoLibrary::startFolder()
{
    const quint64 request = ++m_folderRequest;
    // Rows the indexer commits from now on are kept until the engine below is loaded, then replayed into it.
    m_search->beginRows();
    QString error;
    if (!m_indexer->open(m_folder, m_encoder, m_options, &error)) {
        Q_EMIT searchFailed(error);
        return;
    }
    m_engineLoaded = false;
    loadEngine();
}

void PhotoLibrary::loadEngine()
{
    const quint64 request = m_folderRequest;
    m_pool.start([this, request, encoder = m_encoder, databasePath = m_databasePath, folder = m_folder] {
        QString loadError;
        // The indexer may be creating the cache file right now: opening it for writing first waits for (or
        // creates) its schema, which a read-only open could otherwise see half made.
        std::unique_ptr<SearchEngine> loaded;
        if (LibraryDatabase::open(databasePath, &loadError)) {
            loaded = SearchEngine::open(encoder.get(), databasePath, folder, &loadError);
        }
        // The engine keeps a plain pointer to the encoder: its deleter holds the encoder alive as long as it lives.
        std::shared_ptr<SearchEngine> engine(loaded.release(), [encoder](SearchEngine *e) { delete e; });
        QMetaObject::invokeMethod(
            this,
            [this, request, engine, loadError] {
                if (request != m_folderRequest) {
                    return;
                }
                if (!engine) {
                    Q_EMIT searchFailed(loadError);
                    return;
                }
                m_engineLoaded = true;
                m_search->setEngine(engine);
                Q_EMIT searchReady(engine->rowCount());
            },
            Qt::QueuedConnection);
    });
}

} // namespace clipfind
