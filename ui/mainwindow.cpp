// SPDX-License-Identifier: MIT
#include "ui/mainwindow.h"

#include "core/index/libraryindexer.h"
#include "core/search/livesearch.h"
#include "core/download/modeldownloader.h"
#include "core/models/modelmanifest.h"
#include "core/models/modelstore.h"
#include "core/photolibrary.h"
#include "core/scan/photoscanner.h"
#include "core/search/searchquery.h"
#include "ui/failuresdialog.h"
#include "ui/indexingstatus.h"
#include "ui/messagebar.h"
#include "ui/modelsetupdialog.h"
#include "ui/previewdialog.h"
#include "ui/resultdelegate.h"
#include "ui/resultmodel.h"
#include "ui/settingsdialog.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QPushButton>
#include <QScrollBar>
#include <QShowEvent>
#include <QSlider>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

namespace clipfind {

namespace {

constexpr int kResultLimit = 1000; // thousands scroll smoothly; beyond that nobody looks
constexpr int kZoomStep = 32;

QString fileFromUrls(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls()) {
        return {};
    }
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile() && isPhotoFileName(url.toLocalFile())) {
            return url.toLocalFile();
        }
    }
    return {};
}

} // namespace

MainWindow::MainWindow(const AppSettings &settings, const QString &databasePath, const ThumbnailCache *thumbnails,
                       QWidget *parent)
    : QMainWindow(parent),
      m_settings(settings),
      m_dataDir(QFileInfo(databasePath).absolutePath()),
      m_library(new PhotoLibrary(databasePath, thumbnails, this)),
      m_model(new ResultModel(m_library->thumbnails(), this)),
      m_delegate(new ResultDelegate(this))
{
    setWindowTitle(tr("ClipFind"));
    setWindowIcon(QIcon::fromTheme(QStringLiteral("clipfind"), QIcon(QStringLiteral(":/icons/clipfind.svg"))));
    setAcceptDrops(true);
    createCentralArea();
    createActions();

    m_indexingStatus = new IndexingStatus(m_library->indexer(), this);
    m_resultInfo = new QLabel(this);
    statusBar()->addWidget(m_resultInfo, 1);
    statusBar()->addPermanentWidget(m_indexingStatus);
    connect(m_indexingStatus, &IndexingStatus::showFailuresRequested, this, &MainWindow::showFailures);
    connect(&m_copying, &QFutureWatcher<DecodedImage>::finished, this, &MainWindow::putImageOnClipboard);

    connect(m_library, &PhotoLibrary::modelLoading, this, [this](const QString &path) {
        m_modelError.clear();
        m_resultInfo->setText(tr("Loading the model %1…").arg(QFileInfo(path).fileName()));
        updatePlaceholder();
    });
    connect(m_library, &PhotoLibrary::modelReady, this, [this](const QString &description) {
        m_resultInfo->setText(tr("Model ready: %1").arg(description));
        updatePlaceholder();
    });
    connect(m_library, &PhotoLibrary::modelFailed, this, [this](const QString &error) {
        m_modelError = error;
        m_messages->showMessage(tr("The model cannot be used: %1").arg(error), MessageBar::Kind::Error);
        updatePlaceholder();
    });
    connect(m_library, &PhotoLibrary::folderOpened, this, [this](const QString &folder) {
        setWindowTitle(tr("%1 — ClipFind").arg(QDir(folder).dirName()));
        m_rows = -1;
        m_model->setHits({});
        updatePlaceholder();
    });
    connect(m_library, &PhotoLibrary::searchReady, this, [this](qint64 rows) {
        m_rows = rows;
        updatePlaceholder();
    });
    connect(m_library, &PhotoLibrary::searchFailed, this, [this](const QString &error) {
        m_messages->showMessage(tr("Cannot search this folder: %1").arg(error), MessageBar::Kind::Error);
    });
    connect(m_library, &PhotoLibrary::unreadableCountChanged, m_indexingStatus, &IndexingStatus::setFailureCount);
    connect(m_library->search(), &LiveSearch::resultsReady, this, &MainWindow::showResults);
    connect(m_library->indexer(), &LibraryIndexer::rowsChanged, this, [this] {
        if (const auto engine = m_library->search()->engine()) {
            m_rows = engine->rowCount();
            if (m_search->text().trimmed().isEmpty()) {
                updatePlaceholder();
            }
        }
    });
    connect(m_library->indexer(), &LibraryIndexer::runFinished, this, [this](const IndexReport &report, bool) {
        if (!report.error.isEmpty()) {
            m_messages->showMessage(tr("Indexing stopped: %1").arg(report.error), MessageBar::Kind::Error);
        }
    });
    connect(m_library->indexer(), &LibraryIndexer::watchProblem, this, [this](const QString &message) {
        m_messages->showMessage(message, MessageBar::Kind::Warning);
    });

    updateSearchOptions();
    setThumbnailSize(m_settings.thumbnailSize);
    if (!m_settings.windowGeometry.isEmpty()) {
        restoreGeometry(m_settings.windowGeometry);
    } else {
        resize(1100, 760);
    }
    restoreState(m_settings.windowState);
    updateRecentMenu();
    updatePlaceholder();
}

MainWindow::~MainWindow() = default;

void MainWindow::createCentralArea()
{
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    m_messages = new MessageBar(central);
    layout->addWidget(m_messages);

    m_stack = new QStackedWidget(central);
    layout->addWidget(m_stack, 1);

    auto *page = new QWidget(m_stack);
    auto *pageLayout = new QVBoxLayout(page);
    pageLayout->addStretch(2);
    m_placeholder = new QLabel(page);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setTextFormat(Qt::RichText);
    QFont large = m_placeholder->font();
    large.setPointSizeF(large.pointSizeF() * 1.25);
    m_placeholder->setFont(large);
    pageLayout->addWidget(m_placeholder);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    m_setupButton = new QPushButton(tr("Set up a &model…"), page);
    m_chooseButton = new QPushButton(tr("&Choose a folder…"), page);
    buttons->addWidget(m_setupButton);
    buttons->addWidget(m_chooseButton);
    buttons->addStretch();
    pageLayout->addLayout(buttons);
    pageLayout->addStretch(3);
    connect(m_setupButton, &QPushButton::clicked, this, &MainWindow::showModelSetup);
    connect(m_chooseButton, &QPushButton::clicked, this, &MainWindow::chooseFolder);
    m_stack->addWidget(page);

    m_view = new QListView(m_stack);
    m_view->setViewMode(QListView::IconMode);
    m_view->setUniformItemSizes(true); // one size for all: layout of thousands of items is instant
    m_view->setResizeMode(QListView::Adjust);
    m_view->setMovement(QListView::Static);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setDragEnabled(true);
    m_view->setDragDropMode(QAbstractItemView::DragOnly);
    m_view->setDefaultDropAction(Qt::CopyAction);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setModel(m_model);
    m_view->setItemDelegate(m_delegate);
    m_view->installEventFilter(this);
    m_view->setAccessibleName(tr("Results"));
    connect(m_view, &QListView::activated, this, &MainWindow::openResult); // double-click, Enter
    connect(m_view, &QListView::customContextMenuRequested, this, &MainWindow::showContextMenu);
    m_stack->addWidget(m_view);

    setCentralWidget(central);
}

void MainWindow::createActions()
{
    // Tool bar: folder, search field, zoom.
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);

    auto *open = new QAction(QIcon::fromTheme(QStringLiteral("folder-open")), tr("&Open Folder…"), this);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Choose the photo folder to search (Ctrl+O)"));
    connect(open, &QAction::triggered, this, &MainWindow::chooseFolder);
    m_recentMenu = new QMenu(tr("Open &Recent"), this);
    open->setMenu(m_recentMenu);
    bar->addAction(open);

    m_search = new QLineEdit(bar);
    m_search->setPlaceholderText(tr("Describe a photo: “sunset at the beach”, “dog + snow”, “beach - people”"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search"));
    m_search->installEventFilter(this);
    m_search->setMinimumWidth(320);
    bar->addWidget(m_search);
    connect(m_search, &QLineEdit::textEdited, m_library->search(), &LiveSearch::setQuery);
    connect(m_search, &QLineEdit::returnPressed, this, [this] { m_library->search()->searchNow(m_search->text()); });
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty()) {
            m_library->search()->searchNow(QString()); // the clear button and Esc
        }
    });

    m_zoom = new QSlider(Qt::Horizontal, bar);
    m_zoom->setRange(AppSettings::kMinThumbnail, AppSettings::kMaxThumbnail);
    m_zoom->setSingleStep(16);
    m_zoom->setPageStep(kZoomStep);
    m_zoom->setMaximumWidth(140);
    m_zoom->setToolTip(tr("Thumbnail size (Ctrl+Plus / Ctrl+Minus)"));
    m_zoom->setAccessibleName(tr("Thumbnail size"));
    bar->addWidget(m_zoom);
    connect(m_zoom, &QSlider::valueChanged, this, &MainWindow::setThumbnailSize);

    auto *settings = new QAction(QIcon::fromTheme(QStringLiteral("configure")), tr("&Settings…"), this);
    settings->setShortcut(QKeySequence::Preferences);
    connect(settings, &QAction::triggered, this, &MainWindow::showSettings);
    bar->addAction(settings);

    // Menus: every command is reachable with the keyboard.
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(open);
    file->addMenu(m_recentMenu);
    auto *rescan = file->addAction(QIcon::fromTheme(QStringLiteral("view-refresh")), tr("&Rescan Folder"));
    rescan->setShortcut(QKeySequence::Refresh);
    connect(rescan, &QAction::triggered, m_library->indexer(), &LibraryIndexer::rescan);
    auto *failures = file->addAction(tr("Show &Unreadable Photos…"));
    connect(failures, &QAction::triggered, this, &MainWindow::showFailures);
    file->addSeparator();
    auto *quit = file->addAction(QIcon::fromTheme(QStringLiteral("application-exit")), tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    auto *find = edit->addAction(QIcon::fromTheme(QStringLiteral("edit-find")), tr("&Find"));
    find->setShortcuts({QKeySequence::Find, QKeySequence(Qt::CTRL | Qt::Key_L)});
    connect(find, &QAction::triggered, this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });
    auto *copyPath = edit->addAction(tr("Copy &Path"));
    copyPath->setShortcut(QKeySequence::Copy);
    copyPath->setShortcutContext(Qt::WidgetShortcut); // on the grid only; Ctrl+C in the field copies text
    m_view->addAction(copyPath);
    connect(copyPath, &QAction::triggered, this, &MainWindow::copyPaths);
    edit->addSeparator();
    edit->addAction(settings);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    auto *zoomIn = view->addAction(QIcon::fromTheme(QStringLiteral("zoom-in")), tr("Zoom &In"));
    zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    connect(zoomIn, &QAction::triggered, this, [this] { setThumbnailSize(m_settings.thumbnailSize + kZoomStep); });
    auto *zoomOut = view->addAction(QIcon::fromTheme(QStringLiteral("zoom-out")), tr("Zoom &Out"));
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    connect(zoomOut, &QAction::triggered, this, [this] { setThumbnailSize(m_settings.thumbnailSize - kZoomStep); });
    view->addSeparator();
    m_cutoffAction = view->addAction(tr("Only &Close Matches"));
    m_cutoffAction->setCheckable(true);
    m_cutoffAction->setToolTip(tr("Keep only the results whose score is close to the best one"));
    connect(m_cutoffAction, &QAction::toggled, this, &MainWindow::updateSearchOptions);
    m_sortByDateAction = view->addAction(tr("Sort by &Date"));
    m_sortByDateAction->setCheckable(true);
    m_sortByDateAction->setToolTip(tr("Newest first (date taken, else file date) instead of best first"));
    connect(m_sortByDateAction, &QAction::toggled, this, &MainWindow::updateSearchOptions);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    auto *syntax = help->addAction(tr("&Search Syntax"));
    connect(syntax, &QAction::triggered, this, [this] {
        m_messages->showMessage(
            tr("Describe what you look for: <i>a dog in the snow</i>. Combine with + and -: <i>beach - people</i>. "
               "Weigh a term: <i>2:sunset + beach</i>. Use a photo as a term: drop it on the window, or type its "
               "path: <i>\"/photos/kitchen.jpg\" + christmas</i>."),
            MessageBar::Kind::Information);
    });
}

void MainWindow::loadModel(const QString &path)
{
    if (path.isEmpty()) {
        updatePlaceholder();
        return;
    }
    m_library->loadModel(path, m_settings.encoderSettings());
}

bool MainWindow::openFolder(const QString &folder)
{
    QString error;
    if (!m_library->openFolder(folder, m_settings.indexOptions(), &error)) {
        m_messages->showMessage(error, MessageBar::Kind::Error);
        return false;
    }
    m_settings.rememberFolder(m_library->folder());
    m_settings.save();
    updateRecentMenu();
    return true;
}

void MainWindow::chooseFolder()
{
    const QString start = m_library->folder().isEmpty() ? QDir::homePath() : m_library->folder();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Choose a photo folder"), start);
    if (!folder.isEmpty()) {
        openFolder(folder);
    }
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    for (const QString &folder : std::as_const(m_settings.recentFolders)) {
        QAction *action = m_recentMenu->addAction(folder);
        connect(action, &QAction::triggered, this, [this, folder] { openFolder(folder); });
    }
    m_recentMenu->setEnabled(!m_settings.recentFolders.isEmpty());
}

void MainWindow::showSettings()
{
    SettingsDialog dialog(m_settings, m_library->hasModel() ? m_library->encoder()->deviceDescription() : QString(), this);
    connect(&dialog, &SettingsDialog::modelSetupRequested, this, [this, &dialog] {
        showModelSetup();
        dialog.setModelPath(m_settings.modelPath);
    });
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    const AppSettings before = m_settings;
    m_settings = dialog.settings();
    m_settings.save();
    setThumbnailSize(m_settings.thumbnailSize);
    if (m_settings.modelPath != before.modelPath || m_settings.device != before.device) {
        loadModel(m_settings.modelPath); // the open folder is reindexed with it
    } else if ((m_settings.includeSubfolders != before.includeSubfolders
                || m_settings.excludedFolders != before.excludedFolders)
               && !m_library->folder().isEmpty()) {
        openFolder(m_library->folder());
    }
}

void MainWindow::showModelSetup()
{
    ModelStore store(m_dataDir);
    ModelManifest manifest;
    QString error;
    if (!ModelManifest::loadEffective(store.modelsDir(), &manifest, &error)) {
        m_messages->showMessage(tr("The model list cannot be read: %1").arg(error), MessageBar::Kind::Warning);
    }
    ModelSetupDialog dialog(m_dataDir, manifest, this);
    if (dialog.exec() != QDialog::Accepted || dialog.modelPath().isEmpty()) {
        return; // the prompt stays; nothing changes
    }
    m_settings.modelPath = dialog.modelPath(); // verified by the dialog
    m_settings.save();
    loadModel(m_settings.modelPath);
}

void MainWindow::showFailures()
{
    if (m_library->folder().isEmpty()) {
        return;
    }
    auto *dialog = new FailuresDialog(m_library->unreadablePhotos(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::updateSearchOptions()
{
    SearchOptions options;
    options.k = kResultLimit;
    options.cutoff = m_cutoffAction && m_cutoffAction->isChecked();
    options.sort = m_sortByDateAction && m_sortByDateAction->isChecked() ? SearchSort::Date : SearchSort::Relevance;
    m_library->search()->setOptions(options);
}

void MainWindow::showResults(const SearchResults &results)
{
    // The same query again is a refresh (more photos indexed): the user keeps their place and selection.
    const bool refresh = !results.query.isEmpty() && results.query == m_lastResults.query;
    const int scroll = m_view->verticalScrollBar()->value();
    const QString current = m_model->pathAt(m_view->currentIndex());
    QStringList selected;
    if (refresh) {
        for (const QModelIndex &index : m_view->selectionModel()->selectedIndexes()) {
            selected << m_model->pathAt(index);
        }
    }
    m_lastResults = results;
    m_model->setHits(results.hits);
    if (!results.error.isEmpty() && !m_search->text().trimmed().isEmpty()) {
        m_resultInfo->setText(results.error);
    } else if (!results.hits.empty()) {
        const QString count = results.hits.size() == 1 ? tr("1 photo")
                                                        : tr("%1 photos").arg(QLocale().toString(qint64(results.hits.size())));
        m_resultInfo->setText(tr("%1 · %2 ms").arg(count, QLocale().toString(results.timings.total, 'f', 0)));
        if (refresh) {
            for (const QString &path : selected) {
                const QModelIndex index = m_model->indexOf(path);
                if (index.isValid()) {
                    m_view->selectionModel()->select(index, QItemSelectionModel::Select);
                }
            }
            const QModelIndex currentIndex = m_model->indexOf(current);
            m_view->selectionModel()->setCurrentIndex(currentIndex.isValid() ? currentIndex : m_model->index(0),
                                                      QItemSelectionModel::NoUpdate);
            m_view->verticalScrollBar()->setValue(scroll);
        } else {
            m_view->scrollToTop();
            // Current (for Enter, Space and the arrow keys) but not selected: nothing looks picked before the user
            // picks.
            m_view->selectionModel()->setCurrentIndex(m_model->index(0), QItemSelectionModel::NoUpdate);
        }
    } else {
        m_resultInfo->clear();
    }
    updatePlaceholder();
    Q_EMIT resultsShown(int(results.hits.size()));
}

void MainWindow::updatePlaceholder()
{
    QString text;
    bool offerSetup = false;
    bool offerFolder = false;
    const bool hasQuery = !m_search->text().trimmed().isEmpty();
    if (m_library->isLoadingModel()) {
        text = tr("Loading the model…");
    } else if (!m_library->hasModel()) {
        const ModelManifest manifest = ModelManifest::builtIn();
        const ManifestModel *standard = manifest.defaultModel();
        text = tr("<b>ClipFind needs a CLIP model to understand your photos.</b><br>Download one (%1, %2), or use a "
                  "checkpoint you already have, such as <i>~/.cache/clip/ViT-B-32.pt</i>.")
                   .arg(standard ? standard->name : QStringLiteral("ViT-B/32"),
                        standard ? formatBytes(standard->downloadSize()) : QStringLiteral("about 600 MB"));
        if (!m_modelError.isEmpty()) {
            text += QStringLiteral("<br><br>") + m_modelError.toHtmlEscaped();
        }
        offerSetup = true;
    } else if (m_library->folder().isEmpty()) {
        text = tr("<b>Choose a folder of photos.</b><br>ClipFind indexes it in the background; you can search "
                  "right away.");
        offerFolder = true;
    } else if (m_rows < 0) {
        text = tr("Opening %1…").arg(m_library->folder().toHtmlEscaped());
    } else if (!hasQuery) {
        text = m_rows == 0 ? tr("No photos indexed yet: indexing is under way.")
                           : tr("<b>%1 photos ready.</b><br>Type what you look for.").arg(QLocale().toString(m_rows));
    } else if (m_model->rowCount() == 0) {
        text = m_lastResults.error.isEmpty() ? tr("No matching photos.") : m_lastResults.error.toHtmlEscaped();
    }
    m_placeholder->setText(text);
    m_setupButton->setVisible(offerSetup);
    m_chooseButton->setVisible(offerFolder);
    m_stack->setCurrentIndex(text.isEmpty() ? 1 : 0);
}

QString MainWindow::placeholderText() const
{
    return m_stack->currentIndex() == 0 ? m_placeholder->text() : QString();
}

void MainWindow::setThumbnailSize(int pixels)
{
    pixels = std::clamp(pixels, AppSettings::kMinThumbnail, AppSettings::kMaxThumbnail);
    m_settings.thumbnailSize = pixels;
    m_delegate->setThumbnailSize(pixels);
    QStyleOptionViewItem option;
    option.initFrom(m_view);
    m_view->setGridSize(m_delegate->sizeHint(option, {})); // relayout with the new cell size
    if (m_zoom->value() != pixels) {
        QSignalBlocker block(m_zoom);
        m_zoom->setValue(pixels);
    }
}

void MainWindow::openResult(const QModelIndex &index)
{
    const QString path = m_model->pathAt(index);
    if (!path.isEmpty() && !QDesktopServices::openUrl(QUrl::fromLocalFile(path))) {
        m_messages->showMessage(tr("No application opens %1").arg(path), MessageBar::Kind::Warning);
    }
}

QStringList MainWindow::selectedPaths() const
{
    QModelIndexList indexes = m_view->selectionModel()->selectedIndexes();
    std::sort(indexes.begin(), indexes.end());
    QStringList paths;
    for (const QModelIndex &index : indexes) {
        paths << m_model->pathAt(index);
    }
    if (paths.isEmpty() && m_view->currentIndex().isValid()) {
        paths << m_model->pathAt(m_view->currentIndex());
    }
    return paths;
}

void MainWindow::showContextMenu(const QPoint &position)
{
    const QModelIndex index = m_view->indexAt(position);
    if (!index.isValid()) {
        return;
    }
    if (!m_view->selectionModel()->isSelected(index)) {
        m_view->setCurrentIndex(index);
    }
    const QString path = m_model->pathAt(index);
    QMenu menu(this);
    menu.addAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("&Open"), this, [this, index] { openResult(index); });
    menu.addAction(QIcon::fromTheme(QStringLiteral("folder-open")), tr("Open Containing &Folder"), this, [path] {
        QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath()));
    });
    menu.addSeparator();
    menu.addAction(QIcon::fromTheme(QStringLiteral("edit-copy")), tr("Copy &Path"), this, &MainWindow::copyPaths);
    menu.addAction(tr("Copy &Image"), this, &MainWindow::copyImage);
    menu.addSeparator();
    menu.addAction(QIcon::fromTheme(QStringLiteral("edit-find")), tr("Find &Similar"), this, [this, path] { findSimilar(path); });
    menu.exec(m_view->viewport()->mapToGlobal(position));
}

void MainWindow::findSimilar(const QString &path)
{
    // The image term goes into the field where the user sees it and can add words ("+ snow").
    m_search->setText(formatImageTerm(path));
    m_library->search()->searchNow(m_search->text());
}

void MainWindow::copyPaths()
{
    const QStringList paths = selectedPaths();
    if (paths.isEmpty()) {
        return;
    }
    auto *mime = new QMimeData;
    QList<QUrl> urls;
    for (const QString &path : paths) {
        urls << QUrl::fromLocalFile(path);
    }
    mime->setUrls(urls);
    mime->setText(paths.join(QLatin1Char('\n')));
    QApplication::clipboard()->setMimeData(mime);
    m_resultInfo->setText(paths.size() == 1 ? tr("Copied the path") : tr("Copied %1 paths").arg(paths.size()));
}

void MainWindow::copyImage()
{
    const QStringList paths = selectedPaths();
    if (paths.isEmpty()) {
        return;
    }
    m_copyingPath = paths.first();
    m_copying.setFuture(m_library->decodePhoto(m_copyingPath)); // a 12 MP decode must not stall the window
}

void MainWindow::putImageOnClipboard()
{
    if (!m_copying.future().isFinished()) {
        return; // the end of a copy replaced since, reported late
    }
    const DecodedImage decoded = m_copying.result();
    if (!decoded.ok()) {
        m_messages->showMessage(tr("Cannot copy %1: %2").arg(m_copyingPath, decoded.error), MessageBar::Kind::Warning);
        return;
    }
    QApplication::clipboard()->setImage(decoded.image);
    m_resultInfo->setText(tr("Copied the image of %1").arg(QFileInfo(m_copyingPath).fileName()));
}

void MainWindow::togglePreview()
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid()) {
        return;
    }
    if (!m_preview) {
        m_preview = new PreviewDialog(m_library, this);
        connect(m_preview, &PreviewDialog::neighbourRequested, this, [this](int step) {
            const int row = m_view->currentIndex().row() + step;
            if (row >= 0 && row < m_model->rowCount()) {
                m_view->setCurrentIndex(m_model->index(row));
                togglePreview();
            }
        });
    }
    const SearchHit &hit = m_model->hit(index.row());
    m_preview->showPhoto(hit.path, tr("%1 · score %2").arg(QFileInfo(hit.path).fileName()).arg(double(hit.score), 0, 'f', 3));
    m_preview->show();
    m_preview->raise();
    m_preview->activateWindow();
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (watched == m_search) {
            if (key->key() == Qt::Key_Escape && !m_search->text().isEmpty()) {
                m_search->clear();
                return true;
            }
            if ((key->key() == Qt::Key_Down || key->key() == Qt::Key_PageDown) && m_model->rowCount() > 0) {
                m_view->setFocus(Qt::TabFocusReason); // from typing straight into the results
                m_view->setCurrentIndex(m_view->currentIndex().isValid() ? m_view->currentIndex() : m_model->index(0));
                return true;
            }
        } else if (watched == m_view) {
            if (key->key() == Qt::Key_Space) {
                togglePreview();
                return true;
            }
            if (key->key() == Qt::Key_Escape) {
                m_search->setFocus(Qt::ShortcutFocusReason);
                return true;
            }
            if (key->key() == Qt::Key_Up && m_view->currentIndex().row() == 0) {
                m_search->setFocus(Qt::ShortcutFocusReason);
                return true;
            }
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    // Our own drags (results dragged out) must not search when they come back over the window.
    if (event->source() == nullptr && !fileFromUrls(event->mimeData()).isEmpty()) {
        event->acceptProposedAction();
    }
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QString path = fileFromUrls(event->mimeData());
    if (!path.isEmpty()) {
        event->acceptProposedAction();
        findSimilar(path);
    }
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (!event->spontaneous()) {
        m_search->setFocus(Qt::OtherFocusReason); // typing starts a search right away
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_settings.windowGeometry = saveGeometry();
    m_settings.windowState = saveState();
    m_settings.save();
    QMainWindow::closeEvent(event);
}

} // namespace clipfind
