// SPDX-License-Identifier: MIT
#include "ui/resultmodel.h"

#include "core/decode/displaydecode.h"
#include "core/thumbnails/thumbnailloader.h"

#include <QFileInfo>
#include <QLocale>
#include <QMimeData>
#include <QPainter>
#include <QUrl>

namespace clipfind {

namespace {

// Mime data whose image is decoded only when a drop target asks for it: a drag of a 12 MP photo must not
// stall the GUI thread unless it ends in an image editor.
class PhotoMimeData : public QMimeData
{
public:
    explicit PhotoMimeData(const QString &imagePath) : m_imagePath(imagePath) {}

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
        if (!m_imagePath.isEmpty() && (mimeType == QLatin1String("application/x-qt-image") || mimeType.startsWith(QLatin1String("image/")))) {
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

ResultModel::ResultModel(ThumbnailLoader *thumbnails, QObject *parent)
    : QAbstractListModel(parent),
      m_thumbnails(thumbnails),
      m_placeholder(makePlaceholder(false)),
      m_unreadable(makePlaceholder(true))
{
    connect(m_thumbnails, &ThumbnailLoader::thumbnailReady, this, &ResultModel::onThumbnailReady);
}

void ResultModel::setHits(const std::vector<SearchHit> &hits)
{
    beginResetModel();
    m_hits = hits;
    m_rowOf.clear();
    for (size_t i = 0; i < m_hits.size(); ++i) {
        m_rowOf.insert(m_hits[i].path, int(i));
    }
    m_thumbnails->clear(); // the old list's pending thumbnails are not needed any more
    endResetModel();
}

QString ResultModel::pathAt(const QModelIndex &index) const
{
    return index.isValid() && index.row() < rowCount() ? m_hits[size_t(index.row())].path : QString();
}

QModelIndex ResultModel::indexOf(const QString &path) const
{
    const auto it = m_rowOf.constFind(path);
    return it == m_rowOf.constEnd() ? QModelIndex() : index(it.value());
}

int ResultModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_hits.size());
}

QVariant ResultModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) {
        return {};
    }
    const SearchHit &hit = m_hits[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return QFileInfo(hit.path).fileName();
    case Qt::DecorationRole: {
        const std::optional<Thumbnail> thumbnail = m_thumbnails->thumbnail(hit.path);
        if (!thumbnail) {
            return m_placeholder;
        }
        return thumbnail->image.isNull() ? m_unreadable : thumbnail->image;
    }
    case Qt::ToolTipRole:
        return toolTip(hit);
    case Qt::AccessibleTextRole:
        return tr("%1, score %2").arg(QFileInfo(hit.path).fileName()).arg(double(hit.score), 0, 'f', 3);
    case PathRole:
        return hit.path;
    case ScoreRole:
        return double(hit.score);
    default:
        return {};
    }
}

QString ResultModel::toolTip(const SearchHit &hit) const
{
    QString text = QStringLiteral("<b>%1</b><br>%2<br>").arg(QFileInfo(hit.path).fileName().toHtmlEscaped(),
                                                             QFileInfo(hit.path).absolutePath().toHtmlEscaped());
    text += tr("Score %1").arg(double(hit.score), 0, 'f', 3);
    if (const PhotoFacts *facts = m_thumbnails->facts(hit.path)) {
        if (facts->size.isValid()) {
            text += QStringLiteral("<br>") + tr("%1 × %2 pixels").arg(facts->size.width()).arg(facts->size.height());
        }
        const QDateTime date = hit.date.isValid() ? hit.date : facts->date;
        text += QStringLiteral("<br>") + QLocale().toString(date, QLocale::ShortFormat);
        text += QStringLiteral(" · ") + QLocale().formattedDataSize(facts->bytes);
        if (!facts->error.isEmpty()) {
            text += QStringLiteral("<br>") + facts->error.toHtmlEscaped();
        }
    } else if (hit.date.isValid()) {
        text += QStringLiteral("<br>") + QLocale().toString(hit.date, QLocale::ShortFormat);
    }
    return text;
}

Qt::ItemFlags ResultModel::flags(const QModelIndex &index) const
{
    if (!index.isValid()) {
        return Qt::NoItemFlags;
    }
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled | Qt::ItemNeverHasChildren;
}

QStringList ResultModel::mimeTypes() const
{
    return {QStringLiteral("text/uri-list")};
}

QMimeData *ResultModel::mimeData(const QModelIndexList &indexes) const
{
    QList<QUrl> urls;
    QModelIndexList sorted = indexes;
    std::sort(sorted.begin(), sorted.end()); // rank order, whatever order they were selected in
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

Qt::DropActions ResultModel::supportedDragActions() const
{
    return Qt::CopyAction | Qt::LinkAction;
}

void ResultModel::onThumbnailReady(const QString &path)
{
    const QModelIndex changed = indexOf(path);
    if (changed.isValid()) {
        Q_EMIT dataChanged(changed, changed, {Qt::DecorationRole, Qt::ToolTipRole});
    }
}

} // namespace clipfind
