// SPDX-License-Identifier: MIT
#pragma once

#include "core/browse/photolisting.h"

#include <QAbstractItemModel>
#include <QHash>

#include <vector>

namespace clipfind {

/// The open folder and its subfolders that hold photos, as a tree: the name in column 0, the number of photos in
/// it and below in column 1. A new tree of the same folders only updates the counts; new or vanished folders
/// reset the model (the sidebar puts back what was expanded and chosen).
class FolderTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Role { PathRole = Qt::UserRole + 1, PhotoCountRole };

    explicit FolderTreeModel(QObject *parent = nullptr);

    void setTree(const FolderTree &tree);
    const FolderTree &tree() const { return m_tree; }
    /// The index (column 0) of a folder, or an invalid index.
    QModelIndex indexOf(const QString &path) const;
    /// The index of the tree's node `node` in `column`.
    QModelIndex indexOfNode(int node, int column = 0) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

private:
    int nodeOf(const QModelIndex &index) const { return int(index.internalId()); }

    FolderTree m_tree;
    QHash<QString, int> m_nodeOf; // path -> node
    std::vector<int> m_rowOfNode; // node -> its row under its parent
};

} // namespace clipfind
