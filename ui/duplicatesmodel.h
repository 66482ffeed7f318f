// SPDX-License-Identifier: MIT
#pragma once

#include "core/duplicates/duplicatefinder.h"
#include "ui/gridsection.h"
#include "ui/photomodel.h"

#include <QSet>

#include <vector>

namespace clipfind {

/// The groups of near-identical photos a duplicates search found, for the duplicates view: one row per photo, group
/// after group (the one the finder suggests keeping first), one grid section per group. Each photo is either kept or
/// marked for the trash; at first the suggested one is kept and the others are marked, and every group always keeps
/// at least one photo (a mark that would leave none is refused). Photos moved to the trash are taken out, and so are
/// the groups left with a single photo.
class DuplicatesModel : public PhotoModel, public GridSectionSource
{
    Q_OBJECT

public:
    enum DuplicateRole {
        MarkedRole = CaptionRole + 1, ///< bool: to be moved to the trash (setData() changes it)
        SuggestedRole,                ///< bool: the photo the finder suggests keeping
        FactsRole,                    ///< QString: "4032 × 3024 · 2.4 MB"
        DateTextRole,                 ///< QString: when it was taken (else the file's date), short
        FolderRole,                   ///< QString: its folder, relative to the folder searched (else "~/…")
        GroupRole,                    ///< int: the index of its group (section)
    };

    explicit DuplicatesModel(ThumbnailLoader *thumbnails, QObject *parent = nullptr);

    /// The groups to show; `root` is the folder searched, which the cards' folders are shown relative to.
    void setGroups(std::vector<DuplicateGroup> groups, const QString &root = {});
    int groupCount() const { return int(m_sections.size()); }
    const DuplicatePhoto &photo(int row) const { return m_rows.at(size_t(row)).photo; }
    bool isMarked(int row) const { return m_rows.at(size_t(row)).marked; }
    /// Marks the photo for the trash or keeps it; false (and markRefused()) when that would keep none of its group.
    bool setMarked(int row, bool marked);
    /// Keeps this photo and marks the others of its group.
    void keepOnly(int row);
    /// The photos marked for the trash, in the view's order, and their bytes.
    QStringList markedPaths() const;
    qint64 markedBytes() const;
    /// Takes these photos out (they went to the trash); a group left with one photo goes too.
    void removePhotos(const QSet<QString> &paths);

    QString pathOfRow(int row) const override { return m_rows[size_t(row)].photo.path; }
    int rowCount(const QModelIndex &parent = {}) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    std::vector<GridSection> gridSections() const override;

Q_SIGNALS:
    /// Which photos are marked changed (a mark, a keep, photos taken out, new groups).
    void marksChanged();
    /// A mark was refused: it would have left the group of `row` with no photo kept.
    void markRefused(int row);

protected:
    QVariant photoData(int row, int role) const override;

private:
    struct Row {
        DuplicatePhoto photo;
        int group = 0; // index into m_groups; rows of one group are consecutive
        bool marked = false;
        bool suggested = false;
    };
    struct Group {
        QString title; // the suggested photo's file name
        float similarity = 0;
    };
    struct Section {
        int first = 0;
        int count = 0;
    };

    void updateSections();
    QString detailOf(const Section &section) const;
    void emitMarkChanged(int first, int last);

    std::vector<Row> m_rows;
    std::vector<Group> m_groups;
    std::vector<Section> m_sections; // one per group still shown, from m_rows
    QString m_root;                  // the folder searched
};

} // namespace clipfind
