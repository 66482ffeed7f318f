// SPDX-License-Identifier: MIT
#include "core/photolibrary.h"

#include "core/browse/folderbrowser.h"
#include "core/decode/displaydecode.h"
#include "core/encode/photoencoderloader.h"
#include "core/index/libraryindexer.h"
#include "core/search/livesearch.h"
#include "core/search/searchengine.h"
#include "core/store/librarydatabase.h"
#include "core/threads/pooltasks.h"
#include "core/thumbnails/thumbnailloader.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QPromise>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <limits>

namespace clipfind {

namespace {

// loadModelAfterFirstPhotos() waits at most this long for the first thumbnail (a folder never seen before makes its
// thumbnails from the photos, which can take longer than the model).
constexpr int kDeferredModelMs = 1000;

} // namespace

PhotoLibrary::PhotoLibrary(const QString &databasePath, const ThumbnailCache *thumbnails, QObject *parent)
    : QObject(parent)
    , m_databasePath(databasePath)
    , m_thumbnailCache(thumbnails)
    , m_browser(new FolderBrowser(QFileInfo(databasePath).absolutePath() + QStringLiteral("/browse.sqlite"), this))
    , m_indexer(new LibraryIndexer(databasePath, thumbnails, this))
    , m_search(new LiveSearch(this))
    , m_thumbnails(new ThumbnailLoader(thumbnails, 2, this))
{
    m_pool.setMaxThreadCount(2);
    m_pool.setObjectName(QStringLiteral("clipfind-loading"));
    m_showingPool.setMaxThreadCount(2);
    m_showingPool.setObjectName(QStringLiteral("clipfind-showing"));
    m_duplicatesPool.setMaxThreadCount(1);
    m_duplicatesPool.setObjectName(QStringLiteral("clipfind-duplicates"));
    m_indexer->setCommittedHook([search = m_search](const IndexedRows &rows) { search->applyRows(rows); });
    // The watcher runs with or without a model: the browser lists changed folders again.
    connect(m_indexer, &LibraryIndexer::foldersChanged, m_browser, &FolderBrowser::refreshFolders);
    connect(m_indexer, &LibraryIndexer::rowsChanged, m_search, &LiveSearch::scheduleRefresh);
    connect(m_indexer, &LibraryIndexer::rowsChanged, this, [this] {
        if (const auto engine = m_search->engine()) {
            setRows(engine->rowCount());
        }
    });
    connect(m_indexer, &LibraryIndexer::stateChanged, this, [this](LibraryIndexer::State state) {
        m_search->setIndexingActive(state == LibraryIndexer::State::Running);
    });
    // A cache that could not be read for searching (busy, damaged and rebuilt) is tried again after each run.
    connect(m_indexer, &LibraryIndexer::runFinished, this, [this] {
        if (!m_engineLoaded && m_encoder && !m_folder.isEmpty()) {
            loadEngine();
        }
        countUnreadable();
    });
}

PhotoLibrary::~PhotoLibrary()
{
    ++m_modelRequest;
    ++m_folderRequest;
    ++m_countRequest;
    if (m_duplicatesCancel) {
        *m_duplicatesCancel = true;
    }
    waitForPool(m_pool);
    waitForPool(m_showingPool);
    waitForPool(m_duplicatesPool);
    acceptDroppedQueuedCalls();
    // The indexer and the search die with this object (children); the indexer waits for its run.
}

quint64 PhotoLibrary::beginModelRequest(const QString &path)
{
    m_deferredModel = nullptr; // a load held back for an earlier request never starts
    const quint64 request = ++m_modelRequest;
    m_loadingModel = true;
    Q_EMIT modelLoading(path);
    return request;
}

void PhotoLibrary::loadModel(const QString &path, const ClipEncoder::Settings &settings)
{
    startModelLoad(beginModelRequest(path), path, settings);
}

void PhotoLibrary::loadModelAfterFirstPhotos(const QString &path, const ClipEncoder::Settings &settings)
{
    if (m_folder.isEmpty() || !m_thumbnails) {
        loadModel(path, settings);
        return;
    }
    // Only the latest request is ever held here: every later one replaces or clears it.
    m_deferredModel = [this, request = beginModelRequest(path), path, settings] {
        startModelLoad(request, path, settings);
    };
    connect(m_thumbnails, &ThumbnailLoader::thumbnailReady, this, &PhotoLibrary::startDeferredModel,
            Qt::SingleShotConnection);
    QTimer::singleShot(kDeferredModelMs, this, &PhotoLibrary::startDeferredModel);
}

void PhotoLibrary::startDeferredModel()
{
    if (const std::function<void()> start = std::exchange(m_deferredModel, nullptr)) {
        start();
    }
}

void PhotoLibrary::startModelLoad(quint64 request, const QString &path, const ClipEncoder::Settings &settings)
{
    startOnPool(m_pool, [this, request, path, settings] {
        QString error;
        std::shared_ptr<PhotoEncoder> encoder = loadPhotoEncoder(path, settings, &error);
        postToThreadOf(this, [this, request, encoder, error] {
            if (request != m_modelRequest) {
                return;
            }
            m_loadingModel = false;
            if (!encoder) {
                Q_EMIT modelFailed(error);
                return;
            }
            setEncoder(encoder);
        });
        // Whatever the settings left for later, the text tower is built here, while the folder's rows load on the
        // other thread: a query typed meanwhile waits for it. The image tower waits until a photo needs encoding.
        QString towerError;
        if (encoder && !encoder->prepareTextTower(&towerError)) {
            postToThreadOf(this, [this, request, towerError] {
                if (request == m_modelRequest) {
                    Q_EMIT modelFailed(towerError);
                }
            });
        }
    });
}

void PhotoLibrary::setEncoder(std::shared_ptr<PhotoEncoder> encoder)
{
    m_loadingModel = false;
    if (!encoder) {
        return;
    }
    // Everything that needs the encoder starts here: a sooner encoder (say, its text tower first) is a drop-in.
    m_encoder = std::move(encoder);
    Q_EMIT encoderReady();
    Q_EMIT modelReady(tr("%1 on %2", "the model's architecture on a device")
                          .arg(m_encoder->describe().value(QStringLiteral("architecture")).toString(),
                               m_encoder->deviceDescription()));
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
    m_scope = canonical;
    m_options = options;
    setRows(-1);
    m_browser->open(canonical, options.scan); // browsing needs no model
    startFolder();
    Q_EMIT folderOpened(canonical);
    countUnreadable();
    return true;
}

void PhotoLibrary::startFolder()
{
    if (m_encoder) {
        ++m_folderRequest; // rows of an engine still loading for the previous folder, scope or model are dropped
        // Rows the indexer commits from now on are kept until the engine is loaded, then replayed into it.
        m_search->beginRows();
        m_engineLoaded = false;
    }
    // Without an encoder the folder is watched (the browser follows changes) and indexed once there is one.
    QString error;
    if (!m_indexer->open(m_folder, m_encoder, m_options, &error)) {
        Q_EMIT searchFailed(error);
        return;
    }
    if (m_encoder) {
        loadEngine();
    }
}

void PhotoLibrary::setScope(const QString &folder)
{
    if (m_folder.isEmpty()) {
        return;
    }
    const QString scope = folder.isEmpty() ? m_folder : folder;
    if (scope == m_scope) {
        return;
    }
    m_scope = scope;
    m_browser->setScope(scope);
    if (m_encoder) {
        // The search engine keeps the rows under its root: a new one for the scope (the indexer goes on as it is).
        ++m_folderRequest;
        m_search->beginRows();
        m_engineLoaded = false;
        setRows(-1);
        loadEngine();
    }
}

void PhotoLibrary::rescan()
{
    m_browser->rescan();
    m_indexer->rescan();
}

void PhotoLibrary::loadEngine()
{
    const quint64 request = m_folderRequest;
    startOnPool(m_pool, [this, request, encoder = m_encoder, databasePath = m_databasePath, folder = m_scope] {
        QString loadError;
        // The indexer may be creating the cache file right now: opening it for writing first waits for (or
        // creates) its schema, which a read-only open could otherwise see half made.
        std::unique_ptr<SearchEngine> loaded;
        if (LibraryDatabase::open(databasePath, &loadError)) {
            loaded = SearchEngine::open(encoder.get(), databasePath, folder, &loadError);
        }
        // The engine keeps a plain pointer to the encoder: its deleter holds the encoder alive as long as it lives.
        std::shared_ptr<SearchEngine> engine(loaded.release(), [encoder](SearchEngine *e) { delete e; });
        postToThreadOf(this, [this, request, engine, loadError] {
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
            setRows(engine->rowCount());
        });
    });
}

void PhotoLibrary::setRows(qint64 rows)
{
    if (rows != m_rows) {
        m_rows = rows;
        Q_EMIT searchableRowsChanged(rows);
    }
}

void PhotoLibrary::countUnreadable()
{
    const quint64 request = ++m_countRequest;
    if (m_folder.isEmpty() || !m_encoder) {
        Q_EMIT unreadableCountChanged(0); // nothing is indexed without a model
        return;
    }
    startOnPool(m_showingPool, [this, request, databasePath = m_databasePath, folder = m_folder] {
        QString error; // an unreadable cache is reported by the indexer and the search; the count shows none
        const qint64 count = std::max<qint64>(0, countUnreadablePhotos(databasePath, folder, &error));
        postToThreadOf(this, [this, request, count] {
            if (request == m_countRequest) {
                Q_EMIT unreadableCountChanged(count);
            }
        });
    });
}

QFuture<UnreadablePhotos> PhotoLibrary::unreadablePhotos()
{
    return runOnPool(m_showingPool, [databasePath = m_databasePath, folder = m_folder] {
        return folder.isEmpty() ? UnreadablePhotos{} : listUnreadablePhotos(databasePath, folder);
    });
}

QFuture<DecodedImage> PhotoLibrary::decodePhoto(const QString &path, const QSize &bound)
{
    return runOnPool(m_showingPool, [path, bound] { return decodeForDisplay(path, bound); });
}

QString PhotoLibrary::duplicatesUnavailableReason() const
{
    if (m_folder.isEmpty()) {
        return tr("Open a folder first: duplicates are looked for among its photos.");
    }
    if (m_loadingModel && !m_encoder) {
        return tr("The model is still loading: finding duplicates compares what it sees in each photo.");
    }
    if (!m_encoder) {
        return tr("Finding duplicates needs a CLIP model: it compares what the model sees in each photo. "
                  "Set one up in Settings.");
    }
    return {};
}

QFuture<DuplicateReport> PhotoLibrary::findDuplicates(const DuplicateOptions &options)
{
    const QString reason = duplicatesUnavailableReason();
    if (!reason.isEmpty()) {
        DuplicateReport report;
        report.error = reason;
        return QtFuture::makeReadyFuture(report);
    }
    if (m_duplicatesCancel) {
        *m_duplicatesCancel = true; // one search at a time: the newer one is what the user waits for
    }
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_duplicatesCancel = cancel;
    QFuture<DuplicateReport> future = runOnPoolWithPromise<DuplicateReport>(
        m_duplicatesPool, [cancel, options, databasePath = m_databasePath, folder = m_scope,
                           modelId = m_encoder->modelId()](QPromise<DuplicateReport> &promise) {
            DuplicateOptions run = options;
            run.cancel = cancel.get();
            run.progress = [&promise](qint64 done, qint64 total) { // called one at a time
                const qint64 most = std::numeric_limits<int>::max();
                promise.setProgressRange(0, int(std::min(total, most)));
                promise.setProgressValue(int(std::min(done, most)));
            };
            promise.setProgressRange(0, 0);
            DuplicateReport report = clipfind::findDuplicates(databasePath, folder, modelId, run);
            if (!report.cancelled) {
                promise.addResult(std::move(report));
            }
        });
    // QFuture::cancel() reaches the engine through its flag: the watcher hears of it on this thread.
    auto *watcher = new QFutureWatcher<DuplicateReport>(this);
    connect(watcher, &QFutureWatcherBase::canceled, this, [cancel] { *cancel = true; });
    connect(watcher, &QFutureWatcherBase::finished, watcher, &QObject::deleteLater);
    watcher->setFuture(future);
    return future;
}

QFuture<TrashPlan> PhotoLibrary::planTrash(const QStringList &paths)
{
    return runOnPool(m_showingPool, [paths] { return clipfind::planTrash(paths); });
}

QFuture<std::vector<TrashOutcome>> PhotoLibrary::moveToTrash(const QStringList &paths)
{
    return runOnPool(m_showingPool, [paths] { return clipfind::moveToTrash(paths); });
}

} // namespace clipfind
