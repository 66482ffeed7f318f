// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QImage>

namespace clipfind {

struct PhotoFacts;
class ThumbnailLoader;

/// What the photo grids' models share: one photo per row, its thumbnail (Qt::DecorationRole, a QImage) from a
/// ThumbnailLoader as the view asks for it (visible items only), with a placeholder until it arrives and a "cannot
/// be read" image for a photo that does not decode. Dragging rows out gives the files as text/uri-list (file
/// managers, browsers' upload fields) and, for one photo, the image itself (image editors); the image is read only
/// when a drop target asks for it.
class PhotoModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        PathRole = Qt::UserRole + 1,
        ScoreRole,      ///< double; only search results have one
        DateRole,       ///< QDateTime the photo was taken (else its file time), when the model knows it
        CloseMatchRole, ///< bool; false for a result "Only Close Matches" would drop
        CaptionRole,    ///< one line for the preview: the name and the score or date
    };

    PhotoModel(ThumbnailLoader *thumbnails, QObject *parent = nullptr);

    /// The photo of a row.
    virtual QString pathOfRow(int row) const = 0;
    QString pathAt(const QModelIndex &index) const;
    /// The row of `path`, or an invalid index.
    QModelIndex indexOf(const QString &path) const;
    /// The row of `path`, or -1: from a hash made when it is first needed after the rows changed.
    virtual int rowOfPath(const QString &path) const;

    QVariant data(const QModelIndex &index, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    Qt::DropActions supportedDragActions() const override;

protected:
    /// The roles a subclass adds (and the tooltip), for a valid row; the base gives name, thumbnail and path.
    virtual QVariant photoData(int row, int role) const = 0;
    /// Rows were added, removed or replaced: indexOf() looks again.
    void rowsChanged() { m_rowOfValid = false; }
    /// The facts of a loaded thumbnail (size, bytes, why it cannot be read), for tooltips; null until loaded.
    const PhotoFacts *factsOf(const QString &path) const;
    /// "name<br>folder" with the name in bold, escaped: the start of every tooltip.
    static QString toolTipHead(const QString &path);
    /// "<br>1600 × 1200 pixels · 2.1 MB" (and why it cannot be read) once the thumbnail's facts are there.
    QString toolTipFacts(const QString &path) const;
    ThumbnailLoader *thumbnails() const { return m_thumbnails; }

private:
    void onThumbnailReady(const QString &path);

    ThumbnailLoader *m_thumbnails;
    mutable QHash<QString, int> m_rowOf;
    mutable bool m_rowOfValid = false;
    QImage m_placeholder;
    QImage m_unreadable;
};

} // namespace clipfind
