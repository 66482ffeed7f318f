// SPDX-License-Identifier: MIT
#pragma once

#include "core/browse/photolisting.h"
#include "core/search/searchengine.h"

#include <QStackedWidget>

#include <memory>

namespace clipfind {

class BrowseView;
class PhotoGridView;
class PhotoLibrary;
class PlaceholderPage;
class ResultsView;

/// The window's photo area: three pages and which one shows. The folder's photos newest first while nothing is
/// typed (BrowseView), the ranked results while something is (ResultsView), or the placeholder page when neither
/// can show (no folder, no model, loading, nothing found). The browse view and the results are two views, so
/// clearing the search returns to the browse view exactly as it was left.
class PhotoPages : public QStackedWidget
{
    Q_OBJECT

public:
    explicit PhotoPages(PhotoLibrary *library, QWidget *parent = nullptr);
    ~PhotoPages() override;

    PlaceholderPage *placeholder() const { return m_placeholder; }
    BrowseView *browseView() const { return m_browse; }
    ResultsView *resultsView() const { return m_results; }
    /// The grid the user works with now: the results while they show, else the browse view.
    PhotoGridView *activeGrid() const;
    const SearchResults &lastResults() const { return m_lastResults; }

    /// New results; the same query again is a refresh (more photos indexed): the user keeps place and selection.
    void showResults(const SearchResults &results);
    void showListing(const std::shared_ptr<const PhotoListing> &listing);
    /// Chooses the page for the text in the search field and the library's state. True when the status line
    /// should follow (statusText()); false while a query's results are on their way, so it does not flicker.
    bool update(const QString &query, const QString &modelError);
    /// The status bar's note on the page shown: the photos listed, or the results and their time.
    QString statusText(const QString &query) const;

private:
    PhotoLibrary *m_library;
    PlaceholderPage *m_placeholder;
    BrowseView *m_browse;
    ResultsView *m_results;
    SearchResults m_lastResults;
};

} // namespace clipfind
