// SPDX-License-Identifier: MIT
#include "ui/browsemodel.h"

#include <QDateTime>
#include <QFileInfo>
#include <QLocale>

#include <algorithm>

namespace clipfind {

namespace {

// More runs than this and a reset is cheaper than moving rows one run at a time (each run moves the rows after it).
constexpr size_t kMaxRuns = 64;

} // namespace

BrowseModel::BrowseModel(ThumbnailLoader *thumbnails, QObject *parent)
    : PhotoModel(thumbnails, parent)
{
}

QString BrowseModel::monthTitle(int year, int month)
{
    return tr("%1 %2", "month header: the month's name, the year")
        .arg(QLocale().standaloneMonthName(month), QString::number(year));
}

bool BrowseModel::setListing(std::shared_ptr<const PhotoListing> listing)
{
    const bool sameView =
        m_listing && listing && m_listing->root == listing->root && m_listing->scope == listing->scope;
    const ListingChange change = sameView ? listingChange(m_photos, listing->photos) : ListingChange{};
    if (!sameView || change.runs() > kMaxRuns) {
        beginResetModel();
        m_listing = std::move(listing);
        m_photos = m_listing ? m_listing->photos : std::vector<ListedPhoto>{};
        m_monthsValid = false;
        rowsChanged();
        endResetModel();
        return true;
    }
    m_applying = true;
    for (auto run = change.removed.rbegin(); run != change.removed.rend(); ++run) {
        beginRemoveRows({}, run->first, run->first + run->count - 1);
        m_photos.erase(m_photos.begin() + run->first, m_photos.begin() + run->first + run->count);
        m_monthsValid = false;
        rowsChanged();
        endRemoveRows();
    }
    for (const RowRun &run : change.inserted) {
        beginInsertRows({}, run.first, run.first + run.count - 1);
        m_photos.insert(m_photos.begin() + run.first, listing->photos.begin() + run.first,
                        listing->photos.begin() + run.first + run.count);
        m_monthsValid = false;
        rowsChanged();
        endInsertRows();
    }
    m_listing = std::move(listing);
    m_applying = false;
    return false;
}

int BrowseModel::rowOfPath(const QString &path) const
{
    if (m_applying || !m_listing || m_listing->pathOrder.size() != m_photos.size()) {
        return PhotoModel::rowOfPath(path);
    }
    return m_listing->rowOf(path);
}

int BrowseModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_photos.size());
}

const std::vector<MonthSection> &BrowseModel::months() const
{
    // From the rows themselves: between two runs of a change they differ from both listings' months.
    if (!m_monthsValid) {
        m_months = monthSections(m_photos);
        m_monthsValid = true;
    }
    return m_months;
}

std::vector<GridSection> BrowseModel::gridSections() const
{
    std::vector<GridSection> sections;
    for (const MonthSection &month : months()) {
        const QString count = month.count == 1 ? tr("1 photo") : tr("%1 photos").arg(QLocale().toString(month.count));
        sections.push_back(
            {month.first, month.count, GridSection::Kind::Header, monthTitle(month.year, month.month), count});
    }
    return sections;
}

QVariant BrowseModel::photoData(int row, int role) const
{
    const ListedPhoto &photo = m_photos[size_t(row)];
    switch (role) {
    case DateRole: return QDateTime::fromMSecsSinceEpoch(photo.dateMs);
    case SectionRole:
    case SectionTitleRole: {
        const std::vector<MonthSection> &sections = months();
        const auto it = std::upper_bound(sections.begin(), sections.end(), row,
                                         [](int r, const MonthSection &section) { return r < section.first; });
        const int section = int(it - sections.begin()) - 1;
        if (role == SectionRole) {
            return section;
        }
        return monthTitle(sections[size_t(section)].year, sections[size_t(section)].month);
    }
    case CaptionRole:
        return QStringLiteral("%1 · %2").arg(
            QFileInfo(photo.path).fileName(),
            QLocale().toString(QDateTime::fromMSecsSinceEpoch(photo.dateMs), QLocale::ShortFormat));
    case Qt::AccessibleTextRole:
        return QStringLiteral("%1, %2").arg(
            QFileInfo(photo.path).fileName(),
            QLocale().toString(QDateTime::fromMSecsSinceEpoch(photo.dateMs), QLocale::LongFormat));
    case Qt::ToolTipRole: {
        const QString date = QLocale().toString(QDateTime::fromMSecsSinceEpoch(photo.dateMs), QLocale::ShortFormat);
        return toolTipHead(photo.path) + QStringLiteral("<br>")
               + (photo.taken ? tr("Taken %1").arg(date) : tr("File date %1").arg(date)) + toolTipFacts(photo.path);
    }
    default: return {};
    }
}

} // namespace clipfind
