// SPDX-License-Identifier: MIT
#pragma once

#include "core/browse/photolisting.h"
#include "core/search/searchengine.h"
#include "ui/appsettings.h"
#include "ui/mainwindowactions.h"
#include "ui/photopages.h"

#include <QMainWindow>
#include <QPointer>

#include <memory>

class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;
class QSlider;
class QSplitter;
class QStackedWidget;

namespace clipfind {

class BrowseView;
class DuplicatesDialog;
class FolderSidebar;
class IndexingStatus;
class MessageBar;
class PhotoGridView;
class PhotoLibrary;
class PlaceholderPage;
class ResultModel;
class ResultsView;
class SearchField;
class ThumbnailCache;

/// The main window: the search field, the folder sidebar, the photos (the folder newest first while nothing is
/// typed, the ranked results while something is, or a placeholder page) and the indexing status. Assembles the
/// widgets, shows the state of the PhotoLibrary and forwards the user's requests to it; the library decides and
/// does the work off this thread. The browse view and the results are two views, so clearing the search returns
/// to the browse view exactly as it was left.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    /// `databasePath`: the embedding cache. `thumbnails` must outlive the window.
    MainWindow(const AppSettings &settings, const QString &databasePath, const ThumbnailCache *thumbnails,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Starts with this model (from --model or $CLIPFIND_MODEL; else the one in the settings).
    void loadModel(const QString &path);
    /// loadModel() at launch, after openFolder(): the model loads once the folder's first photos are on screen or a
    /// query is typed (PhotoLibrary::loadModelAfterFirstPhotos).
    void loadModelAfterFirstPhotos(const QString &path);
    /// Opens a folder: its photos show at once; indexing starts in the background (with a model) and searching
    /// works on what is indexed.
    bool openFolder(const QString &folder);
    /// "Find similar": puts the photo's query term into the search field, visibly, and searches.
    void findSimilar(const QString &path);

    // For tests and the screenshot tool.
    PhotoLibrary *library() const { return m_library; }
    SearchField *searchField() const { return m_search; }
    /// The results grid (also while another page shows).
    ResultsView *resultView() const { return m_pages->resultsView(); }
    ResultModel *resultModel() const;
    /// The folder's photos newest first (also while another page shows).
    BrowseView *browseView() const { return m_pages->browseView(); }
    FolderSidebar *folderSidebar() const { return m_sidebar; }
    /// View → Show Folders, Only Close Matches, Sort by Date.
    QAction *showFoldersAction() const { return m_actions->showFolders; }
    QAction *closeMatchesAction() const { return m_actions->closeMatches; }
    QAction *sortByDateAction() const { return m_actions->sortByDate; }
    /// Tools → Find Duplicates; its tooltip says why it cannot run when it cannot.
    QAction *findDuplicatesAction() const { return m_actions->findDuplicates; }
    /// The duplicates window while it is open.
    DuplicatesDialog *duplicatesDialog() const;
    /// The page shown now: the placeholder, the browse view or the results.
    QWidget *currentPage() const { return m_pages->currentWidget(); }
    MessageBar *messageBar() const { return m_messages; }
    /// The text of the page shown instead of the grid (no model, no folder, no results), empty when the grid shows.
    QString placeholderText() const;
    /// The placeholder page's button that opens the model setup.
    QPushButton *modelSetupButton() const;
    AppSettings settings() const { return m_settings; }

Q_SIGNALS:
    /// The latest results are on screen (tests wait for it).
    void resultsShown(int count);

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void connectLibrary();
    void createActions();
    void createCentralArea();
    void chooseFolder();
    void updateRecentMenu();
    void showSettings();
    void showModelSetup();
    void showFailures();
    /// Tools → Find Duplicates: the duplicates window for the folder browsed now, or why it cannot be looked for.
    void showDuplicates();
    void showResults(const SearchResults &results);
    void showListing(const std::shared_ptr<const PhotoListing> &listing);
    void updatePage();
    void updateReadiness();
    void updateSearchOptions();
    void setThumbnailSize(int pixels);
    void setFoldersVisible(bool visible);
    void connectGrid(PhotoGridView *grid);

    AppSettings m_settings;
    QString m_dataDir; // the cache's folder; models go to <it>/models
    PhotoLibrary *m_library;

    SearchField *m_search = nullptr;
    QSplitter *m_splitter = nullptr;
    FolderSidebar *m_sidebar = nullptr;
    PhotoPages *m_pages = nullptr;
    MessageBar *m_messages = nullptr;
    IndexingStatus *m_indexingStatus = nullptr;
    QLabel *m_resultInfo = nullptr;
    QSlider *m_zoomSlider = nullptr;
    std::unique_ptr<MainWindowActions> m_actions;
    QPointer<DuplicatesDialog> m_duplicates;
    QString m_modelError;
};

} // namespace clipfind
