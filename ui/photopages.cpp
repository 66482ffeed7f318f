// SPDX-License-Identifier: MIT
#include "ui/photopages.h"

#include "core/browse/folderbrowser.h"
#include "core/photolibrary.h"
#include "ui/browseview.h"
#include "ui/placeholderpage.h"
#include "ui/resultmodel.h"
#include "ui/resultsview.h"

#include <QDir>
#include <QLocale>

namespace clipfind {

PhotoPages::PhotoPages(PhotoLibrary *library, QWidget *parent)
    : QStackedWidget(parent)
    , m_library(library)
    , m_placeholder(new PlaceholderPage(this))
    , m_browse(new BrowseView(library, this))
    , m_results(new ResultsView(library, this))
{
    addWidget(m_placeholder);
    addWidget(m_browse);
    addWidget(m_results);
}

PhotoPages::~PhotoPages() = default;

PhotoGridView *PhotoPages::activeGrid() const
{
    return currentWidget() == m_results ? static_cast<PhotoGridView *>(m_results) : m_browse;
}

void PhotoPages::showResults(const SearchResults &results)
{
    const bool refresh = !results.query.isEmpty() && results.query == m_lastResults.query;
    m_lastResults = results;
    m_results->showResults(results, refresh);
}

void PhotoPages::showListing(const std::shared_ptr<const PhotoListing> &listing)
{
    m_browse->showListing(listing);
}

bool PhotoPages::update(const QString &query, const QString &modelError)
{
    const bool hasQuery = !query.trimmed().isEmpty();
    const auto listing = m_library->browser()->listing();
    PlaceholderState state;
    state.loadingModel = m_library->isLoadingModel();
    state.hasModel = m_library->hasModel();
    state.modelError = modelError;
    state.folder = m_library->folder();
    state.photos = listing ? qint64(listing->photos.size()) : -1;
    state.listingError = listing ? listing->error : QString();
    state.rows = m_library->searchableRows();
    state.hasQuery = hasQuery;
    state.query = query;
    state.resultsPending = hasQuery && m_lastResults.query != query;
    state.results = m_results->resultModel()->rowCount();
    state.searchError = state.resultsPending ? QString() : m_lastResults.error;

    QWidget *before = currentWidget();
    QWidget *page = nullptr;
    // While a query's results are on their way the grid on screen stays (browsing, or the previous results):
    // no flash of a message between two keystrokes.
    const bool waiting = hasQuery && state.hasModel && !state.loadingModel && (state.rows < 0 || state.resultsPending);
    if (waiting && before != m_placeholder) {
        page = before;
    } else if (m_placeholder->showState(state)) {
        page = m_placeholder;
    } else {
        page = hasQuery ? static_cast<QWidget *>(m_results) : m_browse;
    }
    setCurrentWidget(page);
    return page != before || page == m_browse || !state.resultsPending;
}

QString PhotoPages::statusText(const QString &query) const
{
    const auto photosText = [](qint64 count) {
        return count == 1 ? tr("1 photo") : tr("%1 photos").arg(QLocale().toString(count));
    };
    if (currentWidget() == m_browse) {
        const auto listing = m_library->browser()->listing();
        if (!listing) {
            return {};
        }
        const QString photos = photosText(qint64(listing->photos.size()));
        if (listing->scope != listing->root) {
            return tr("%1 in %2").arg(photos, QDir(listing->scope).dirName());
        }
        return photos;
    }
    if (currentWidget() == m_results && !m_lastResults.hits.empty()) {
        return tr("%1 · %2 ms")
            .arg(photosText(qint64(m_lastResults.hits.size())),
                 QLocale().toString(m_lastResults.timings.total, 'f', 0));
    }
    if (!m_lastResults.error.isEmpty() && !query.trimmed().isEmpty()) {
        return m_lastResults.error;
    }
    return {};
}

} // namespace clipfind
