// SPDX-License-Identifier: MIT
#pragma once

#include "core/browse/photolisting.h"
#include "ui/gridsection.h"
#include "ui/photomodel.h"

#include <memory>
#include <vector>

namespace clipfind {

/// The open folder's photos newest first, in sections by month ("November 2026 · 128 photos"), for the browse view.
/// A new listing of the same folder and scope changes only the rows that changed (removed, then inserted at their
/// places), so the view keeps its place while dates arrive and files come and go; a new folder, a new scope or
/// a change of many scattered rows resets the model.
class BrowseModel : public PhotoModel, public GridSectionSource
{
    Q_OBJECT

public:
    enum BrowseRole {
        SectionRole = CaptionRole + 1, ///< int: the index of the photo's month section
        SectionTitleRole,              ///< QString: its month ("November 2026")
    };

    explicit BrowseModel(ThumbnailLoader *thumbnails, QObject *parent = nullptr);

    /// Shows `listing` (null: nothing). Returns true when the model was reset rather than changed in place.
    bool setListing(std::shared_ptr<const PhotoListing> listing);
    std::shared_ptr<const PhotoListing> listing() const { return m_listing; }
    const ListedPhoto &photo(int row) const { return m_photos.at(size_t(row)); }
    /// "November 2026" in the user's language.
    static QString monthTitle(int year, int month);

    QString pathOfRow(int row) const override { return m_photos[size_t(row)].path; }
    /// From the listing's own index while the rows are the listing's (always but inside setListing()).
    int rowOfPath(const QString &path) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    std::vector<GridSection> gridSections() const override;

protected:
    QVariant photoData(int row, int role) const override;

private:
    const std::vector<MonthSection> &months() const;

    std::shared_ptr<const PhotoListing> m_listing;
    std::vector<ListedPhoto> m_photos; // the rows, changed run by run while a new listing is applied
    mutable std::vector<MonthSection> m_months;
    mutable bool m_monthsValid = false;
    bool m_applying = false; // inside setListing(): the rows are between two listings
};

} // namespace clipfind
