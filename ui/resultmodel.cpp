// SPDX-License-Identifier: MIT
#include "ui/resultmodel.h"

#include "core/thumbnails/thumbnailloader.h"

#include <QFileInfo>
#include <QLocale>

#include <algorithm>

namespace clipfind {

ResultModel::ResultModel(ThumbnailLoader *thumbnails, QObject *parent)
    : PhotoModel(thumbnails, parent)
{
}

void ResultModel::setHits(const std::vector<SearchHit> &hits, float cutoffScore)
{
    beginResetModel();
    m_hits = hits;
    m_cutoffScore = cutoffScore;
    rowsChanged();
    thumbnails()->clear(); // the old list's pending thumbnails are not needed any more
    endResetModel();
}

int ResultModel::closeMatches() const
{
    return int(std::count_if(m_hits.begin(), m_hits.end(), [this](const SearchHit &hit) { return isClose(hit); }));
}

int ResultModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_hits.size());
}

std::vector<GridSection> ResultModel::gridSections() const
{
    const int rows = rowCount();
    // The close matches first, then the rest below a divider: only when they come in that order (best first).
    const auto firstFar =
        std::find_if(m_hits.begin(), m_hits.end(), [this](const SearchHit &hit) { return !isClose(hit); });
    const int close = int(firstFar - m_hits.begin());
    const bool ranked = std::none_of(firstFar, m_hits.end(), [this](const SearchHit &hit) { return isClose(hit); });
    if (close == 0 || close == rows || !ranked) {
        return {{0, rows, GridSection::Kind::Plain, {}, {}}};
    }
    return {{0, close, GridSection::Kind::Plain, {}, {}},
            {close, rows - close, GridSection::Kind::Divider, tr("Less close matches"),
             tr("Only Close Matches keeps the %n above", nullptr, close)}};
}

QVariant ResultModel::photoData(int row, int role) const
{
    const SearchHit &hit = m_hits[size_t(row)];
    switch (role) {
    case Qt::ToolTipRole: return toolTip(hit);
    case Qt::AccessibleTextRole:
        return tr("%1, score %2").arg(QFileInfo(hit.path).fileName()).arg(double(hit.score), 0, 'f', 3);
    case ScoreRole: return double(hit.score);
    case DateRole: return hit.date.isValid() ? QVariant(hit.date) : QVariant();
    case CloseMatchRole: return isClose(hit);
    case CaptionRole: return tr("%1 · score %2").arg(QFileInfo(hit.path).fileName()).arg(double(hit.score), 0, 'f', 3);
    default: return {};
    }
}

QString ResultModel::toolTip(const SearchHit &hit) const
{
    QString text = toolTipHead(hit.path) + QStringLiteral("<br>");
    text += tr("Score %1").arg(double(hit.score), 0, 'f', 3);
    if (!isClose(hit)) {
        text += QStringLiteral(" · ") + tr("below the close matches (%1)").arg(double(m_cutoffScore), 0, 'f', 3);
    }
    QDateTime date = hit.date;
    if (const PhotoFacts *facts = factsOf(hit.path); facts && !date.isValid()) {
        date = facts->date;
    }
    if (date.isValid()) {
        text += QStringLiteral("<br>") + QLocale().toString(date, QLocale::ShortFormat);
    }
    return text + toolTipFacts(hit.path);
}

} // namespace clipfind
