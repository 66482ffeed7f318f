// SPDX-License-Identifier: MIT
#include "ui/mainwindow.h"

#include "core/browse/folderbrowser.h"
#include "core/index/libraryindexer.h"
#include "core/photolibrary.h"
#include "core/search/livesearch.h"
#include "core/search/searchquery.h"
#include "ui/browseview.h"
#include "ui/duplicatesdialog.h"
#include "ui/failuresdialog.h"
#include "ui/foldersidebar.h"
#include "ui/indexingstatus.h"
#include "ui/mainwindowactions.h"
#include "ui/messagebar.h"
#include "ui/modelsetupdialog.h"
#include "ui/photodroptarget.h"
#include "ui/photopages.h"
#include "ui/placeholderpage.h"
#include "ui/resultsview.h"
#include "ui/searchfield.h"
#include "ui/settingsdialog.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QShowEvent>
#include <QSlider>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

namespace clipfind {

namespace {

constexpr int kResultLimit = 1000; // thousands scroll smoothly; beyond that nobody looks

} // namespace

MainWindow::MainWindow(const AppSettings &settings, const QString &databasePath, const ThumbnailCache *thumbnails,
                       QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_dataDir(QFileInfo(databasePath).absolutePath())
    , m_library(new PhotoLibrary(databasePath, thumbnails, this))
{
    setWindowTitle(tr("ClipFind"));
    setWindowIcon(QIcon::fromTheme(QStringLiteral("clipfind"), QIcon(QStringLiteral(":/icons/clipfind.svg"))));
    connect(new PhotoDropTarget(this), &PhotoDropTarget::photoDropped, this, &MainWindow::findSimilar);
    createCentralArea();
    createActions();

    m_indexingStatus = new IndexingStatus(m_library->indexer(), this);
    m_resultInfo = new QLabel(this);
    statusBar()->addWidget(m_resultInfo, 1);
    statusBar()->addPermanentWidget(m_indexingStatus);
    connect(m_indexingStatus, &IndexingStatus::showFailuresRequested, this, &MainWindow::showFailures);
    connectLibrary();

    updateSearchOptions();
    setThumbnailSize(m_settings.thumbnailSize);
    if (!m_settings.windowGeometry.isEmpty()) {
        restoreGeometry(m_settings.windowGeometry);
    } else {
        resize(1180, 780);
    }
    restoreState(m_settings.windowState);
    m_splitter->setSizes({m_settings.foldersWidth, std::max(400, width() - m_settings.foldersWidth)});
    m_actions->showFolders->setChecked(m_settings.showFolders);
    setFoldersVisible(m_settings.showFolders);
    updateRecentMenu();
    updateReadiness();
    updatePage();
}

MainWindow::~MainWindow() = default;

void MainWindow::connectLibrary()
{
    connect(m_library, &PhotoLibrary::modelLoading, this, [this](const QString &path) {
        m_modelError.clear();
        m_resultInfo->setText(tr("Loading the model %1…").arg(QFileInfo(path).fileName()));
        updateReadiness();
        updatePage();
    });
    connect(m_library, &PhotoLibrary::modelReady, this, [this](const QString &description) {
        m_resultInfo->setText(tr("Model ready: %1").arg(description));
        updateReadiness();
        updatePage();
    });
    connect(m_library, &PhotoLibrary::modelFailed, this, [this](const QString &error) {
        m_modelError = error;
        m_messages->showMessage(tr("The model cannot be used: %1").arg(error), MessageBar::Kind::Error);
        updateReadiness();
        updatePage();
    });
    connect(m_library, &PhotoLibrary::folderOpened, this, [this](const QString &folder) {
        setWindowTitle(tr("%1 — ClipFind").arg(QDir(folder).dirName()));
        m_pages->resultsView()->showResults({}, false);
        updateReadiness(); // Find Duplicates can run now
        updatePage();
    });
    connect(m_library->browser(), &FolderBrowser::listingChanged, this, &MainWindow::showListing);
    connect(m_library, &PhotoLibrary::searchableRowsChanged, this, &MainWindow::updatePage);
    connect(m_library, &PhotoLibrary::searchFailed, this, [this](const QString &error) {
        m_messages->showMessage(tr("Cannot search this folder: %1").arg(error), MessageBar::Kind::Error);
    });
    connect(m_library, &PhotoLibrary::unreadableCountChanged, m_indexingStatus, &IndexingStatus::setFailureCount);
    connect(m_library->search(), &LiveSearch::resultsReady, this, &MainWindow::showResults);
    connect(m_library->indexer(), &LibraryIndexer::runFinished, this, [this](const IndexReport &report, bool) {
        if (!report.error.isEmpty()) {
            m_messages->showMessage(tr("Indexing stopped: %1").arg(report.error), MessageBar::Kind::Error);
        }
    });
    connect(m_library->indexer(), &LibraryIndexer::watchProblem, this,
            [this](const QString &message) { m_messages->showMessage(message, MessageBar::Kind::Warning); });
}

void MainWindow::connectGrid(PhotoGridView *grid)
{
    connect(grid, &PhotoGridView::leaveRequested, this, [this] { m_search->setFocus(Qt::ShortcutFocusReason); });
    connect(grid, &PhotoGridView::findSimilarRequested, this, &MainWindow::findSimilar);
    connect(grid, &PhotoGridView::status, this, [this](const QString &text) { m_resultInfo->setText(text); });
    connect(grid, &PhotoGridView::problem, this,
            [this](const QString &text) { m_messages->showMessage(text, MessageBar::Kind::Warning); });
}

void MainWindow::createCentralArea()
{
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    m_messages = new MessageBar(central);
    layout->addWidget(m_messages);

    m_splitter = new QSplitter(Qt::Horizontal, central);
    m_splitter->setChildrenCollapsible(false);
    layout->addWidget(m_splitter, 1);
    m_sidebar = new FolderSidebar(m_splitter);
    m_sidebar->setMinimumWidth(120);
    connect(m_sidebar, &FolderSidebar::scopeRequested, m_library, &PhotoLibrary::setScope);
    m_splitter->addWidget(m_sidebar);
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] {
        if (m_sidebar->isVisible()) {
            m_settings.foldersWidth = m_splitter->sizes().value(0, m_settings.foldersWidth);
        }
    });

    m_pages = new PhotoPages(m_library, m_splitter);
    m_splitter->addWidget(m_pages);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    connect(m_pages->placeholder(), &PlaceholderPage::modelSetupRequested, this, &MainWindow::showModelSetup);
    connect(m_pages->placeholder(), &PlaceholderPage::chooseFolderRequested, this, &MainWindow::chooseFolder);
    connectGrid(m_pages->browseView());
    connectGrid(m_pages->resultsView());

    setCentralWidget(central);
}

void MainWindow::createActions()
{
    m_actions = std::make_unique<MainWindowActions>(this);
    const MainWindowActions &a = *m_actions;
    a.fillMenuBar(menuBar());

    // Tool bar: folder, search field, zoom, settings.
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(a.open);
    m_search = new SearchField(bar);
    bar->addWidget(m_search);
    m_zoomSlider = MainWindowActions::createZoomSlider(m_settings.thumbnailSize, bar);
    bar->addWidget(m_zoomSlider);
    bar->addAction(a.settings);

    connect(m_search, &SearchField::queryEdited, m_library->search(), &LiveSearch::setQuery);
    // A query typed at launch needs the model now, not after the first photos (loadModelAfterFirstPhotos).
    connect(m_search, &SearchField::queryEdited, m_library, &PhotoLibrary::startDeferredModel);
    connect(m_search, &SearchField::searchNowRequested, m_library, &PhotoLibrary::startDeferredModel);
    connect(m_search, &SearchField::searchNowRequested, m_library->search(), &LiveSearch::searchNow);
    connect(m_search, &SearchField::modelSetupRequested, this, &MainWindow::showModelSetup);
    connect(m_search, &QLineEdit::textChanged, this, &MainWindow::updatePage); // Esc is back to browsing at once
    connect(m_search, &SearchField::downRequested, this, [this] {
        if (auto *grid = qobject_cast<PhotoGridView *>(m_pages->currentWidget())) {
            grid->enterFromAbove();
        }
    });
    connect(m_zoomSlider, &QSlider::valueChanged, this, &MainWindow::setThumbnailSize);

    connect(a.open, &QAction::triggered, this, &MainWindow::chooseFolder);
    connect(a.rescan, &QAction::triggered, m_library, &PhotoLibrary::rescan);
    connect(a.failures, &QAction::triggered, this, &MainWindow::showFailures);
    connect(a.quit, &QAction::triggered, this, &QWidget::close);
    connect(a.find, &QAction::triggered, this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });
    m_pages->browseView()->addAction(a.copyPath);
    m_pages->resultsView()->addAction(a.copyPath);
    connect(a.copyPath, &QAction::triggered, this, [this] {
        auto *grid = qobject_cast<PhotoGridView *>(focusWidget());
        (grid ? grid : m_pages->activeGrid())->copyPaths();
    });
    connect(a.settings, &QAction::triggered, this, &MainWindow::showSettings);
    const int step = MainWindowActions::kZoomStep;
    connect(a.zoomIn, &QAction::triggered, this, [this, step] { setThumbnailSize(m_settings.thumbnailSize + step); });
    connect(a.zoomOut, &QAction::triggered, this, [this, step] { setThumbnailSize(m_settings.thumbnailSize - step); });
    connect(a.showFolders, &QAction::toggled, this, &MainWindow::setFoldersVisible);
    connect(a.closeMatches, &QAction::toggled, this, &MainWindow::updateSearchOptions);
    connect(a.sortByDate, &QAction::toggled, this, &MainWindow::updateSearchOptions);
    connect(a.findDuplicates, &QAction::triggered, this, &MainWindow::showDuplicates);
    connect(a.searchSyntax, &QAction::triggered, this,
            [this] { m_messages->showMessage(SearchField::syntaxHelp(), MessageBar::Kind::Information); });
}

void MainWindow::setThumbnailSize(int pixels)
{
    pixels = std::clamp(pixels, AppSettings::kMinThumbnail, AppSettings::kMaxThumbnail);
    m_settings.thumbnailSize = pixels;
    m_pages->browseView()->setThumbnailSize(pixels);
    m_pages->resultsView()->setThumbnailSize(pixels);
    if (m_zoomSlider && m_zoomSlider->value() != pixels) {
        m_zoomSlider->setValue(pixels); // comes back here once, with the same size
    }
}

void MainWindow::setFoldersVisible(bool visible)
{
    m_sidebar->setVisible(visible);
    if (m_actions->showFolders->isChecked() != visible) {
        m_actions->showFolders->setChecked(visible);
    }
    if (m_settings.showFolders != visible) {
        m_settings.showFolders = visible;
        m_settings.save();
    }
}

void MainWindow::loadModel(const QString &path)
{
    if (path.isEmpty()) {
        updatePage();
        return;
    }
    ClipEncoder::Settings settings = m_settings.encoderSettings();
    settings.dataDir = m_dataDir; // the file's SHA-256 is remembered there: an unchanged file is not hashed again
    m_library->loadModel(path, settings);
}

void MainWindow::loadModelAfterFirstPhotos(const QString &path)
{
    if (path.isEmpty()) {
        loadModel(path);
        return;
    }
    ClipEncoder::Settings settings = m_settings.encoderSettings();
    settings.dataDir = m_dataDir;
    m_library->loadModelAfterFirstPhotos(path, settings);
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
    m_actions->recent->clear();
    for (const QString &folder : std::as_const(m_settings.recentFolders)) {
        QAction *action = m_actions->recent->addAction(folder);
        connect(action, &QAction::triggered, this, [this, folder] { openFolder(folder); });
    }
    m_actions->recent->setEnabled(!m_settings.recentFolders.isEmpty());
}

void MainWindow::showSettings()
{
    SettingsDialog dialog(m_settings, m_library->hasModel() ? m_library->encoder()->deviceDescription() : QString(),
                          this);
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
    if (m_settings.changesModel(before)) {
        loadModel(m_settings.modelPath); // the open folder is reindexed with it
    } else if (m_settings.changesScan(before) && !m_library->folder().isEmpty()) {
        openFolder(m_library->folder());
    }
}

void MainWindow::showModelSetup()
{
    QString warning;
    QString multilingual;
    const QString path = ModelSetupDialog::chooseModel(m_dataDir, this, &warning, &multilingual);
    if (!warning.isEmpty()) {
        m_messages->showMessage(warning, MessageBar::Kind::Warning);
    }
    const bool newMultilingual = !multilingual.isEmpty() && multilingual != m_settings.multilingualTextModel;
    if (newMultilingual) {
        m_settings.multilingualTextModel = multilingual; // Settings > Languages, as if chosen there
        m_settings.save();
    }
    if (path.isEmpty()) {
        if (newMultilingual && !m_settings.modelPath.isEmpty()) {
            loadModel(m_settings.modelPath); // the paired text model takes effect
        }
        return; // the prompt stays; nothing else changes
    }
    m_settings.modelPath = path; // verified by the dialog
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

DuplicatesDialog *MainWindow::duplicatesDialog() const
{
    return m_duplicates.data();
}

void MainWindow::showDuplicates()
{
    // Without a folder or a model the action stays there and says why (a greyed-out entry would not).
    const QString reason = m_library->duplicatesUnavailableReason();
    if (!reason.isEmpty()) {
        m_messages->showMessage(reason, MessageBar::Kind::Information);
        return;
    }
    const bool opened = !m_duplicates;
    m_duplicates = DuplicatesDialog::showFor(m_duplicates, m_library, this);
    if (opened) {
        connect(m_duplicates, &DuplicatesDialog::findSimilarRequested, this, &MainWindow::findSimilar);
    }
}

void MainWindow::updateSearchOptions()
{
    SearchOptions options;
    options.k = kResultLimit;
    options.cutoff = m_actions && m_actions->closeMatches->isChecked();
    options.sort = m_actions && m_actions->sortByDate->isChecked() ? SearchSort::Date : SearchSort::Relevance;
    m_library->search()->setOptions(options);
}

void MainWindow::showResults(const SearchResults &results)
{
    m_pages->showResults(results);
    updatePage();
    Q_EMIT resultsShown(int(results.hits.size()));
}

void MainWindow::showListing(const std::shared_ptr<const PhotoListing> &listing)
{
    m_pages->showListing(listing);
    m_sidebar->showListing(listing);
    updatePage();
}

void MainWindow::updatePage()
{
    if (m_pages->update(m_search->text(), m_modelError)) {
        m_resultInfo->setText(m_pages->statusText(m_search->text()));
    }
}

void MainWindow::updateReadiness()
{
    m_actions->setDuplicatesUnavailable(m_library->duplicatesUnavailableReason());
    if (m_library->isLoadingModel()) {
        m_search->setReadiness(SearchField::Readiness::LoadingModel);
    } else if (m_library->hasModel()) {
        m_search->setReadiness(SearchField::Readiness::Ready);
        // A paired multilingual model fails the load when it cannot be used, so the setting says what is active.
        // Chinese-CLIP reads Chinese (and English) with its own text tower.
        m_search->setMultilingualHint(
            m_library->encoder()->kindName() == QLatin1String("chinese-clip")
            || (!m_settings.multilingualTextModel.isEmpty() && m_settings.textTower != TextTowerChoice::Clip));
    } else {
        m_search->setReadiness(SearchField::Readiness::NeedsModel);
    }
}

ResultModel *MainWindow::resultModel() const
{
    return m_pages->resultsView()->resultModel();
}

QString MainWindow::placeholderText() const
{
    return m_pages->currentWidget() == m_pages->placeholder() ? m_pages->placeholder()->text() : QString();
}

QPushButton *MainWindow::modelSetupButton() const
{
    return m_pages->placeholder()->modelSetupButton();
}

void MainWindow::findSimilar(const QString &path)
{
    // The image term goes into the field where the user sees it and can add words ("+ snow").
    m_search->setText(formatImageTerm(path));
    m_library->search()->searchNow(m_search->text());
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
    if (m_sidebar->isVisible()) {
        m_settings.foldersWidth = m_splitter->sizes().value(0, m_settings.foldersWidth);
    }
    m_settings.windowGeometry = saveGeometry();
    m_settings.windowState = saveState();
    m_settings.save();
    QMainWindow::closeEvent(event);
}

} // namespace clipfind
