// SPDX-License-Identifier: MIT
#pragma once

#include "core/search/searchengine.h"
#include "ui/gridsection.h"
#include "ui/photomodel.h"

#include <limits>
#include <vector>

namespace clipfind {

/// The ranked photos of the latest search, for the results grid, with each one's score (tooltip, ScoreRole, the
/// delegate's badge on hover). The score "Only Close Matches" cuts at is shown too while that option is off: in
/// rank order a divider section starts at the first photo below it; in date order those photos are dimmed
/// (CloseMatchRole false).
class ResultModel : public PhotoModel, public GridSectionSource
{
    Q_OBJECT

public:
    explicit ResultModel(ThumbnailLoader *thumbnails, QObject *parent = nullptr);

    /// `cutoffScore`: hits scoring below it are those Only Close Matches would drop (SearchResults::cutoffScore);
    /// the default marks none.
    void setHits(const std::vector<SearchHit> &hits, float cutoffScore = -std::numeric_limits<float>::infinity());
    const SearchHit &hit(int row) const { return m_hits.at(size_t(row)); }
    /// How many hits score at least the cutoff score.
    int closeMatches() const;

    QString pathOfRow(int row) const override { return m_hits[size_t(row)].path; }
    int rowCount(const QModelIndex &parent = {}) const override;
    std::vector<GridSection> gridSections() const override;

protected:
    QVariant photoData(int row, int role) const override;

private:
    QString toolTip(const SearchHit &hit) const;
    bool isClose(const SearchHit &hit) const { return hit.score >= m_cutoffScore; }

    std::vector<SearchHit> m_hits;
    float m_cutoffScore = -std::numeric_limits<float>::infinity();
};

} // namespace clipfind
