// SPDX-License-Identifier: MIT
#pragma once

#include "core/search/searchengine.h"
#include "ui/appsettings.h"

#include <QMainWindow>

class QLabel;
class QLineEdit;
class QListView;
class QMenu;
class QPushButton;
class QStackedWidget;

namespace clipfind {

class IndexingStatus;
class MessageBar;
class PhotoLibrary;
class PlaceholderPage;
class ResultModel;
class ResultsView;
class SearchField;
class ThumbnailCache;

/// The main window: the search field, the results grid (or a placeholder page) and the indexing status. Assembles
/// the widgets, shows the state of the PhotoLibrary and forwards the user's requests to it; the library decides
/// and does the work off this thread.
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
    /// Opens a folder: indexing starts in the background and searching works on what is indexed.
    bool openFolder(const QString &folder);
    /// "Find similar": puts the photo's query term into the search field, visibly, and searches.
    void findSimilar(const QString &path);

    // For tests and the screenshot tool.
    PhotoLibrary *library() const { return m_library; }
    QLineEdit *searchField() const;
    QListView *resultView() const;
    ResultModel *resultModel() const;
    MessageBar *messageBar() const { return m_messages; }
    /// The text of the page shown instead of the grid (no model, no folder, no results), empty when the grid shows.
    QString placeholderText() const;
    /// The "no model" page's button that opens the model setup.
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
    void showResults(const SearchResults &results);
    void updatePlaceholder();
    void updateSearchOptions();

    AppSettings m_settings;
    QString m_dataDir; // the cache's folder; models go to <it>/models
    PhotoLibrary *m_library;

    SearchField *m_search = nullptr;
    QStackedWidget *m_stack = nullptr;
    PlaceholderPage *m_placeholder = nullptr;
    ResultsView *m_view = nullptr;
    MessageBar *m_messages = nullptr;
    IndexingStatus *m_indexingStatus = nullptr;
    QLabel *m_resultInfo = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_cutoffAction = nullptr;
    QAction *m_sortByDateAction = nullptr;
    QString m_modelError;
    SearchResults m_lastResults;
};

} // namespace clipfind
