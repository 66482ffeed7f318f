// SPDX-License-Identifier: MIT
#include "ui/duplicatesmodel.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>

#include <algorithm>

namespace clipfind {

namespace {

QString dataSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat); // "84.2 MB", as the trash's question
}

QString resolution(const DuplicatePhoto &photo)
{
    return photo.width > 0 && photo.height > 0 ? QStringLiteral("%1 × %2").arg(photo.width).arg(photo.height)
                                               : QString();
}

// The folder a photo is in, short enough to read in a card and still unambiguous: "Trips/Alps" under the folder
// searched (its own name for the folder itself), "~/Pictures/2024" under the home folder, else the whole path.
QString folderOf(const QString &path, const QString &root)
{
    const QString folder = QFileInfo(path).absolutePath();
    if (!root.isEmpty() && folder == root) {
        return QDir(root).dirName();
    }
    if (!root.isEmpty() && folder.startsWith(root + QLatin1Char('/'))) {
        return folder.mid(root.size() + 1);
    }
    const QString home = QDir::homePath();
    if (folder == home || folder.startsWith(home + QLatin1Char('/'))) {
        return QLatin1Char('~') + folder.mid(home.size());
    }
    return folder;
}

} // namespace

DuplicatesModel::DuplicatesModel(ThumbnailLoader *thumbnails, QObject *parent)
    : PhotoModel(thumbnails, parent)
{
}

void DuplicatesModel::setGroups(std::vector<DuplicateGroup> groups, const QString &root)
{
    m_root = root;
    beginResetModel();
    m_rows.clear();
    m_groups.clear();
    for (DuplicateGroup &group : groups) {
        const int index = int(m_groups.size());
        m_groups.push_back({QFileInfo(group.keep().path).fileName(), group.similarity});
        for (size_t i = 0; i < group.photos.size(); ++i) {
            m_rows.push_back({std::move(group.photos[i]), index, i > 0, i == 0});
        }
    }
    updateSections();
    rowsChanged();
    endResetModel();
    Q_EMIT marksChanged();
}

int DuplicatesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

void DuplicatesModel::updateSections()
{
    m_sections.clear();
    for (size_t row = 0; row < m_rows.size(); ++row) {
        if (m_sections.empty() || m_rows[row].group != m_rows[size_t(m_sections.back().first)].group) {
            m_sections.push_back({int(row), 0});
        }
        ++m_sections.back().count;
    }
}

std::vector<GridSection> DuplicatesModel::gridSections() const
{
    std::vector<GridSection> sections;
    sections.reserve(m_sections.size());
    for (const Section &section : m_sections) {
        const Group &group = m_groups[size_t(m_rows[size_t(section.first)].group)];
        sections.push_back({section.first, section.count, GridSection::Kind::Header, group.title, detailOf(section)});
    }
    return sections;
}

QString DuplicatesModel::detailOf(const Section &section) const
{
    qint64 bytes = 0;
    int marked = 0;
    for (int row = section.first; row < section.first + section.count; ++row) {
        if (m_rows[size_t(row)].marked) {
            bytes += m_rows[size_t(row)].photo.bytes;
            ++marked;
        }
    }
    const Group &group = m_groups[size_t(m_rows[size_t(section.first)].group)];
    const QString photos = tr("%1 photos").arg(section.count);
    const QString similar = tr("similarity %1").arg(QLocale().toString(double(group.similarity), 'f', 3));
    const QString free = marked == 0 ? tr("all kept") : tr("%1 to free").arg(dataSize(bytes));
    return QStringLiteral("%1 · %2 · %3").arg(photos, similar, free);
}

bool DuplicatesModel::setMarked(int row, bool marked)
{
    if (row < 0 || row >= rowCount()) {
        return false;
    }
    Row &target = m_rows[size_t(row)];
    if (target.marked == marked) {
        return true;
    }
    if (marked) {
        const auto keeps = std::count_if(m_rows.begin(), m_rows.end(),
                                         [&target](const Row &r) { return r.group == target.group && !r.marked; });
        if (keeps <= 1) {
            Q_EMIT markRefused(row);
            return false; // nothing of this photo would be left
        }
    }
    target.marked = marked;
    emitMarkChanged(row, row);
    return true;
}

void DuplicatesModel::keepOnly(int row)
{
    if (row < 0 || row >= rowCount()) {
        return;
    }
    const int group = m_rows[size_t(row)].group;
    int first = row;
    int last = row;
    for (int r = 0; r < rowCount(); ++r) {
        if (m_rows[size_t(r)].group == group) {
            m_rows[size_t(r)].marked = r != row;
            first = std::min(first, r);
            last = std::max(last, r);
        }
    }
    emitMarkChanged(first, last);
}

void DuplicatesModel::emitMarkChanged(int first, int last)
{
    Q_EMIT dataChanged(index(first), index(last), {MarkedRole, Qt::ToolTipRole, Qt::AccessibleTextRole});
    Q_EMIT marksChanged();
}

bool DuplicatesModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || role != MarkedRole) {
        return false;
    }
    return setMarked(index.row(), value.toBool());
}

QStringList DuplicatesModel::markedPaths() const
{
    QStringList paths;
    for (const Row &row : m_rows) {
        if (row.marked) {
            paths << row.photo.path;
        }
    }
    return paths;
}

qint64 DuplicatesModel::markedBytes() const
{
    qint64 bytes = 0;
    for (const Row &row : m_rows) {
        bytes += row.marked ? row.photo.bytes : 0;
    }
    return bytes;
}

void DuplicatesModel::removePhotos(const QSet<QString> &paths)
{
    // What stays of each group; a group with one photo left is no longer a group of duplicates.
    std::vector<int> left(m_groups.size(), 0);
    for (const Row &row : m_rows) {
        left[size_t(row.group)] += paths.contains(row.photo.path) ? 0 : 1;
    }
    const auto goes = [&](const Row &row) { return paths.contains(row.photo.path) || left[size_t(row.group)] < 2; };
    // Runs of rows from the end, so the rows before a run keep their numbers.
    bool changed = false;
    for (int last = rowCount() - 1; last >= 0;) {
        if (!goes(m_rows[size_t(last)])) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && goes(m_rows[size_t(first - 1)])) {
            --first;
        }
        beginRemoveRows({}, first, last);
        m_rows.erase(m_rows.begin() + first, m_rows.begin() + last + 1);
        updateSections();
        rowsChanged();
        endRemoveRows();
        changed = true;
        last = first - 1;
    }
    if (changed) {
        Q_EMIT marksChanged();
    }
}

QVariant DuplicatesModel::photoData(int row, int role) const
{
    const Row &entry = m_rows[size_t(row)];
    const DuplicatePhoto &photo = entry.photo;
    const QString date = QLocale().toString(photo.date, QStringLiteral("d MMM yyyy, HH:mm")); // no seconds
    switch (role) {
    case MarkedRole: return entry.marked;
    case SuggestedRole: return entry.suggested;
    case FactsRole: {
        const QString size = resolution(photo);
        return size.isEmpty() ? dataSize(photo.bytes) : QStringLiteral("%1 · %2").arg(size, dataSize(photo.bytes));
    }
    case DateTextRole: return date;
    case FolderRole: return folderOf(photo.path, m_root);
    case GroupRole: return entry.group;
    case DateRole: return photo.date;
    case CaptionRole:
        return QStringLiteral("%1 · %2 · %3")
            .arg(QFileInfo(photo.path).fileName(), resolution(photo), dataSize(photo.bytes));
    case Qt::AccessibleTextRole:
        return tr("%1, %2, %3, %4")
            .arg(QFileInfo(photo.path).fileName(), resolution(photo), dataSize(photo.bytes),
                 entry.marked ? tr("to be moved to the trash") : tr("kept"));
    case Qt::ToolTipRole: {
        QString text = toolTipHead(photo.path) + QStringLiteral("<br>");
        const QString size = resolution(photo);
        if (!size.isEmpty()) {
            text += tr("%1 pixels").arg(size) + QStringLiteral(" · ");
        }
        text += dataSize(photo.bytes) + QStringLiteral("<br>")
                + (photo.dateTaken ? tr("Taken %1").arg(date) : tr("File date %1").arg(date));
        if (entry.suggested) {
            text += QStringLiteral("<br><i>%1</i>").arg(tr("Suggested to keep: the largest, then the earliest"));
        }
        return text;
    }
    default: return {};
    }
}

} // namespace clipfind
