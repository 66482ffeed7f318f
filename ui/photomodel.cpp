// SPDX-License-Identifier: MIT
#include "ui/photomodel.h"

#include "core/decode/displaydecode.h"
#include "core/thumbnails/thumbnailloader.h"

#include <QFileInfo>
#include <QLocale>
#include <QMimeData>
#include <QPainter>
#include <QUrl>

#include <algorithm>

namespace clipfind {

namespace {

// Mime data whose image is decoded only when a drop target asks for it: a drag of a 12 MP photo must not
// stall the GUI thread unless it ends in an image editor.
class PhotoMimeData : public QMimeData
{
public:
    explicit PhotoMimeData(const QString &imagePath)
        : m_imagePath(imagePath)
    {
    }

    QStringList formats() const override
    {
        QStringList list = QMimeData::formats();
        if (!m_imagePath.isEmpty()) {
            list << QStringLiteral("application/x-qt-image") << QStringLiteral("image/png");
        }
        return list;
    }

    bool hasFormat(const QString &mimeType) const override { return formats().contains(mimeType); }

protected:
    QVariant retrieveData(const QString &mimeType, QMetaType type) const override
    {
        const bool image =
            mimeType == QLatin1String("application/x-qt-image") || mimeType.startsWith(QLatin1String("image/"));
        if (!m_imagePath.isEmpty() && image) {
            return decodeForDisplay(m_imagePath).image; // null when it does not decode: the drop gets no image
        }
        return QMimeData::retrieveData(mimeType, type);
    }

private:
    QString m_imagePath;
};

// A gray rounded square while the thumbnail loads; crossed out for a photo that cannot be read.
QImage makePlaceholder(bool crossed)
{
    QImage image(256, 256, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(128, 128, 128, 60));
    painter.drawRoundedRect(QRectF(8, 8, 240, 240), 12, 12);
    if (crossed) {
        painter.setPen(QPen(QColor(128, 128, 128, 160), 8, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(QPointF(88, 88), QPointF(168, 168));
        painter.drawLine(QPointF(168, 88), QPointF(88, 168));
    }
    return image;
}

} // namespace

PhotoModel::PhotoModel(ThumbnailLoader *thumbnails, QObject *parent)
    : QAbstractListModel(parent)
    , m_thumbnails(thumbnails)
    , m_placeholder(makePlaceholder(false))
    , m_unreadable(makePlaceholder(true))
{
    connect(m_thumbnails, &ThumbnailLoader::thumbnailReady, this, &PhotoModel::onThumbnailReady);
}

QString PhotoModel::pathAt(const QModelIndex &index) const
{
    return index.isValid() && index.row() < rowCount() ? pathOfRow(index.row()) : QString();
}

QModelIndex PhotoModel::indexOf(const QString &path) const
{
    const int row = rowOfPath(path);
    return row < 0 ? QModelIndex() : index(row);
}

int PhotoModel::rowOfPath(const QString &path) const
{
    if (!m_rowOfValid) {
        m_rowOf.clear();
        const int rows = rowCount();
        m_rowOf.reserve(rows);
        for (int row = 0; row < rows; ++row) {
            m_rowOf.insert(pathOfRow(row), row);
        }
        m_rowOfValid = true;
    }
    return m_rowOf.value(path, -1);
}

QVariant PhotoModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) {
        return {};
    }
    switch (role) {
    case Qt::DisplayRole: return QFileInfo(pathOfRow(index.row())).fileName();
    case Qt::DecorationRole: {
        const std::optional<Thumbnail> thumbnail = m_thumbnails->thumbnail(pathOfRow(index.row()));
        if (!thumbnail) {
            return m_placeholder;
        }
        return thumbnail->image.isNull() ? m_unreadable : thumbnail->image;
    }
    case PathRole: return pathOfRow(index.row());
    default: return photoData(index.row(), role);
    }
}

const PhotoFacts *PhotoModel::factsOf(const QString &path) const
{
    return m_thumbnails->facts(path);
}

QString PhotoModel::toolTipHead(const QString &path)
{
    const QFileInfo info(path);
    return QStringLiteral("<b>%1</b><br>%2").arg(info.fileName().toHtmlEscaped(), info.absolutePath().toHtmlEscaped());
}

QString PhotoModel::toolTipFacts(const QString &path) const
{
    const PhotoFacts *facts = factsOf(path);
    if (!facts) {
        return {};
    }
    QString text = QStringLiteral("<br>");
    if (facts->size.isValid()) {
        text += tr("%1 × %2 pixels").arg(facts->size.width()).arg(facts->size.height()) + QStringLiteral(" · ");
    }
    text += QLocale().formattedDataSize(facts->bytes);
    if (!facts->error.isEmpty()) {
        text += QStringLiteral("<br>") + facts->error.toHtmlEscaped();
    }
    return text;
}

Qt::ItemFlags PhotoModel::flags(const QModelIndex &index) const
{
    if (!index.isValid()) {
        return Qt::NoItemFlags;
    }
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled | Qt::ItemNeverHasChildren;
}

QStringList PhotoModel::mimeTypes() const
{
    return {QStringLiteral("text/uri-list")};
}

QMimeData *PhotoModel::mimeData(const QModelIndexList &indexes) const
{
    QList<QUrl> urls;
    QModelIndexList sorted = indexes;
    std::sort(sorted.begin(), sorted.end()); // the grid's order, whatever order they were selected in
    for (const QModelIndex &index : sorted) {
        const QString path = pathAt(index);
        if (!path.isEmpty()) {
            urls << QUrl::fromLocalFile(path);
        }
    }
    if (urls.isEmpty()) {
        return nullptr;
    }
    auto *mime = new PhotoMimeData(urls.size() == 1 ? urls.first().toLocalFile() : QString());
    mime->setUrls(urls);
    QStringList lines;
    for (const QUrl &url : urls) {
        lines << url.toLocalFile();
    }
    mime->setText(lines.join(QLatin1Char('\n'))); // terminals and text fields get plain paths
    return mime;
}

Qt::DropActions PhotoModel::supportedDragActions() const
{
    return Qt::CopyAction | Qt::LinkAction;
}

void PhotoModel::onThumbnailReady(const QString &path)
{
    const QModelIndex changed = indexOf(path);
    if (changed.isValid()) {
        Q_EMIT dataChanged(changed, changed, {Qt::DecorationRole, Qt::ToolTipRole});
    }
}

} // namespace clipfind
