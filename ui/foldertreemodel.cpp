// SPDX-License-Identifier: MIT
#include "ui/foldertreemodel.h"

#include <QApplication>
#include <QLocale>
#include <QPalette>
#include <QStyle>

namespace clipfind {

FolderTreeModel::FolderTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

void FolderTreeModel::setTree(const FolderTree &tree)
{
    if (!m_tree.nodes.empty() && m_tree.sameShape(tree)) {
        m_tree = tree;
        // Only the counts: each parent's children in one signal (dataChanged spans one parent), and the top.
        const QList<int> roles{Qt::DisplayRole, Qt::ToolTipRole, Qt::AccessibleTextRole, PhotoCountRole};
        Q_EMIT dataChanged(indexOfNode(0, 0), indexOfNode(0, 1), roles);
        for (size_t node = 0; node < m_tree.nodes.size(); ++node) {
            const std::vector<int> &children = m_tree.nodes[node].children;
            if (!children.empty()) {
                Q_EMIT dataChanged(indexOfNode(children.front(), 0), indexOfNode(children.back(), 1), roles);
            }
        }
        return;
    }
    beginResetModel();
    m_tree = tree;
    m_nodeOf.clear();
    m_rowOfNode.assign(m_tree.nodes.size(), 0);
    for (size_t node = 0; node < m_tree.nodes.size(); ++node) {
        m_nodeOf.insert(m_tree.nodes[node].path, int(node));
        const std::vector<int> &children = m_tree.nodes[node].children;
        for (size_t row = 0; row < children.size(); ++row) {
            m_rowOfNode[size_t(children[row])] = int(row);
        }
    }
    endResetModel();
}

QModelIndex FolderTreeModel::indexOfNode(int node, int column) const
{
    if (node < 0 || size_t(node) >= m_tree.nodes.size()) {
        return {};
    }
    return createIndex(m_rowOfNode[size_t(node)], column, quintptr(node));
}

QModelIndex FolderTreeModel::indexOf(const QString &path) const
{
    return indexOfNode(m_nodeOf.value(path, -1), 0);
}

QModelIndex FolderTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= 2) {
        return {};
    }
    if (!parent.isValid()) {
        return row == 0 && !m_tree.nodes.empty() ? createIndex(0, column, quintptr(0)) : QModelIndex();
    }
    if (parent.column() != 0) {
        return {};
    }
    const std::vector<int> &children = m_tree.nodes[size_t(nodeOf(parent))].children;
    return row < int(children.size()) ? createIndex(row, column, quintptr(children[size_t(row)])) : QModelIndex();
}

QModelIndex FolderTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid()) {
        return {};
    }
    return indexOfNode(m_tree.nodes[size_t(nodeOf(child))].parent, 0);
}

int FolderTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid()) {
        return m_tree.nodes.empty() ? 0 : 1;
    }
    if (parent.column() != 0) {
        return 0;
    }
    return int(m_tree.nodes[size_t(nodeOf(parent))].children.size());
}

int FolderTreeModel::columnCount(const QModelIndex &) const
{
    return 2;
}

QVariant FolderTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid()) {
        return {};
    }
    const FolderNode &node = m_tree.nodes[size_t(nodeOf(index))];
    switch (role) {
    case Qt::DisplayRole: return index.column() == 0 ? node.name : QLocale().toString(node.photos);
    case Qt::DecorationRole:
        if (index.column() == 0) {
            return QIcon::fromTheme(QStringLiteral("folder"), QApplication::style()->standardIcon(QStyle::SP_DirIcon));
        }
        return {};
    case Qt::ToolTipRole:
        return node.photos == 1 ? tr("%1\n1 photo").arg(node.path)
                                : tr("%1\n%2 photos").arg(node.path, QLocale().toString(node.photos));
    case Qt::TextAlignmentRole:
        return index.column() == 1 ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case Qt::ForegroundRole:
        if (index.column() == 1) {
            return QApplication::palette().brush(QPalette::PlaceholderText);
        }
        return {};
    case Qt::AccessibleTextRole: return tr("%1, %2 photos").arg(node.name, QLocale().toString(node.photos));
    case PathRole: return node.path;
    case PhotoCountRole: return node.photos;
    default: return {};
    }
}

Qt::ItemFlags FolderTreeModel::flags(const QModelIndex &index) const
{
    return index.isValid() ? Qt::ItemIsEnabled | Qt::ItemIsSelectable : Qt::NoItemFlags;
}

} // namespace clipfind
