// SPDX-License-Identifier: MIT
#pragma once

#include "core/search/searchengine.h"

#include <QAbstractListModel>
#include <QHash>
#include <QImage>

#include <vector>

namespace clipfind {

class ThumbnailLoader;

/// The ranked photos of the latest search, for the results grid. Thumbnails (Qt::DecorationRole, a QImage) come
/// from a ThumbnailLoader as the view asks for them (visible items only), with a placeholder until they arrive and
/// a "cannot be read" image for a photo that does not decode. Dragging items out gives the
/// files as text/uri-list (file managers, browsers' upload fields) and, for one photo, the image itself (image
/// editors); the image is read only when a drop target asks for it.
class ResultModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role { PathRole = Qt::UserRole + 1, ScoreRole };

    ResultModel(ThumbnailLoader *thumbnails, QObject *parent = nullptr);

    void setHits(const std::vector<SearchHit> &hits);
    const SearchHit &hit(int row) const { return m_hits.at(size_t(row)); }
    QString pathAt(const QModelIndex &index) const;
    /// The row of `path`, or an invalid index.
    QModelIndex indexOf(const QString &path) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    Qt::DropActions supportedDragActions() const override;

private:
    void onThumbnailReady(const QString &path);
    QString toolTip(const SearchHit &hit) const;

    ThumbnailLoader *m_thumbnails;
    std::vector<SearchHit> m_hits;
    QHash<QString, int> m_rowOf;
    QImage m_placeholder;
    QImage m_unreadable;
};

} // namespace clipfind
