// SPDX-License-Identifier: MIT
#pragma once

#include "core/search/searchengine.h"
#include "ui/photogridview.h"

namespace clipfind {

class ResultModel;

/// The results grid: thumbnails of the ranked photos with their names, in rank order (or newest first), and where
/// "Only Close Matches" would cut while it is off. A refresh of the same query keeps the user's place.
class ResultsView : public PhotoGridView
{
    Q_OBJECT

public:
    /// `library` gives the thumbnails and decodes photos; it must outlive the view.
    explicit ResultsView(PhotoLibrary *library, QWidget *parent = nullptr);

    ResultModel *resultModel() const { return m_model; }
    /// Shows the results. A refresh (the same query again, more photos indexed) keeps the selection, the current
    /// photo and the scroll position; new results start at the top with the first photo current, nothing selected.
    void showResults(const SearchResults &results, bool refresh);

private:
    ResultModel *m_model;
};

} // namespace clipfind
