// SPDX-License-Identifier: MIT
#include "core/browse/photolisting.h"

#include <QDateTime>
#include <QStringList>

#include <algorithm>

namespace clipfind {

namespace {

QString parentOf(const QString &path)
{
    const int slash = path.lastIndexOf(QLatin1Char('/'));
    return slash <= 0 ? QStringLiteral("/") : path.left(slash);
}

QString nameOf(const QString &path)
{
    const int slash = path.lastIndexOf(QLatin1Char('/'));
    const QString name = path.mid(slash + 1);
    return name.isEmpty() ? path : name;
}

bool samePhoto(const ListedPhoto &a, const ListedPhoto &b)
{
    return a.dateMs == b.dateMs && a.path == b.path;
}

void extend(std::vector<RowRun> *runs, int row)
{
    if (!runs->empty() && runs->back().first + runs->back().count == row) {
        ++runs->back().count;
    } else {
        runs->push_back({row, 1});
    }
}

qint64 monthStartMs(int year, int month)
{
    return QDateTime(QDate(year, month, 1), QTime(0, 0)).toMSecsSinceEpoch();
}

} // namespace

bool newerFirst(const ListedPhoto &a, const ListedPhoto &b)
{
    if (a.dateMs != b.dateMs) {
        return a.dateMs > b.dateMs;
    }
    return a.path < b.path;
}

void sortNewestFirst(std::vector<ListedPhoto> *photos)
{
    std::sort(photos->begin(), photos->end(), newerFirst);
}

std::vector<MonthSection> monthSections(const std::vector<ListedPhoto> &photos)
{
    std::vector<MonthSection> sections;
    size_t i = 0;
    while (i < photos.size()) {
        // photos[i] is the newest left; every later photo at or after the start of its month is in that month.
        const QDate date = QDateTime::fromMSecsSinceEpoch(photos[i].dateMs).date();
        const qint64 start = monthStartMs(date.year(), date.month());
        size_t end = i + 1;
        while (end < photos.size() && photos[end].dateMs >= start) {
            ++end;
        }
        sections.push_back({int(i), int(end - i), date.year(), date.month()});
        i = end;
    }
    return sections;
}

bool isPathUnder(const QString &path, const QString &folder)
{
    if (folder == QLatin1String("/")) {
        return path.startsWith(QLatin1Char('/'));
    }
    return path.startsWith(folder) && (path.size() == folder.size() || path.at(folder.size()) == QLatin1Char('/'));
}

int FolderTree::indexOf(const QString &path) const
{
    for (size_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i].path == path) {
            return int(i);
        }
    }
    return -1;
}

bool FolderTree::sameShape(const FolderTree &other) const
{
    return std::equal(
        nodes.begin(), nodes.end(), other.nodes.begin(), other.nodes.end(),
        [](const FolderNode &a, const FolderNode &b) { return a.path == b.path && a.parent == b.parent; });
}

FolderTree buildFolderTree(const QString &root, const QHash<QString, qint64> &photosPerFolder)
{
    FolderTree tree;
    tree.nodes.push_back({root, nameOf(root), -1, {}, 0});
    QHash<QString, int> nodeOf;
    nodeOf.insert(root, 0);
    // Sorted paths put every folder after its ancestors, so the tree comes out the same for the same folders.
    QStringList folders;
    for (auto it = photosPerFolder.cbegin(); it != photosPerFolder.cend(); ++it) {
        if (it.value() > 0 && isPathUnder(it.key(), root)) {
            folders << it.key();
        }
    }
    folders.sort();
    for (const QString &folder : std::as_const(folders)) {
        // The folder and its ancestors that have no node yet, outermost first.
        QStringList missing;
        QString at = folder;
        while (!nodeOf.contains(at) && at.size() > root.size()) {
            missing.prepend(at);
            at = parentOf(at);
        }
        int parent = nodeOf.value(at, 0);
        for (const QString &path : std::as_const(missing)) {
            const int node = int(tree.nodes.size());
            tree.nodes.push_back({path, nameOf(path), parent, {}, 0});
            tree.nodes[size_t(parent)].children.push_back(node);
            nodeOf.insert(path, node);
            parent = node;
        }
        const qint64 count = photosPerFolder.value(folder);
        for (int node = nodeOf.value(folder); node >= 0; node = tree.nodes[size_t(node)].parent) {
            tree.nodes[size_t(node)].photos += count;
        }
    }
    for (FolderNode &node : tree.nodes) {
        std::sort(node.children.begin(), node.children.end(), [&tree](int a, int b) {
            const QString &nameA = tree.nodes[size_t(a)].name;
            const QString &nameB = tree.nodes[size_t(b)].name;
            const int order = QString::compare(nameA, nameB, Qt::CaseInsensitive);
            return order != 0 ? order < 0 : nameA < nameB;
        });
    }
    return tree;
}

ListingChange listingChange(const std::vector<ListedPhoto> &before, const std::vector<ListedPhoto> &after)
{
    ListingChange change;
    size_t i = 0;
    size_t j = 0;
    while (i < before.size() || j < after.size()) {
        if (i < before.size() && j < after.size() && samePhoto(before[i], after[j])) {
            ++i;
            ++j;
        } else if (j == after.size() || (i < before.size() && newerFirst(before[i], after[j]))) {
            extend(&change.removed, int(i++)); // sorts before everything left in `after`: not there
        } else {
            extend(&change.inserted, int(j++));
        }
    }
    return change;
}

int PhotoListing::rowOf(const QString &path) const
{
    const auto it = std::lower_bound(pathOrder.begin(), pathOrder.end(), path,
                                     [this](int row, const QString &p) { return photos[size_t(row)].path < p; });
    return it != pathOrder.end() && photos[size_t(*it)].path == path ? *it : -1;
}

} // namespace clipfind
