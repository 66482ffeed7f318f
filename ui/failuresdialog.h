// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

class QLabel;
class QTreeWidget;

namespace clipfind {

/// Lists the photos of the open folder that could not be indexed, with the reason recorded for each (read from
/// the cache off the GUI thread). Copy puts the list on the clipboard as "path<TAB>reason" lines.
class FailuresDialog : public QDialog
{
    Q_OBJECT

public:
    FailuresDialog(const QString &databasePath, const QString &folder, QWidget *parent = nullptr);

    int count() const;

private:
    void copyAll() const;

    QTreeWidget *m_list;
    QLabel *m_summary;
};

} // namespace clipfind
