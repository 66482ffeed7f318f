// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <vector>

namespace clipfind {

/// What moving some files to the trash involves, for the confirmation a view shows first.
struct TrashPlan {
    int files = 0;    ///< of the paths, those that exist as files
    qint64 bytes = 0; ///< their total size
    QString question; ///< "Move 3 files (12.4 MB) to the trash?"
};

/// Counts the files among `paths` that exist and their bytes. Reads no contents.
TrashPlan planTrash(const QStringList &paths);

/// What happened to one file.
struct TrashOutcome {
    QString path;
    bool moved = false;
    QString pathInTrash; ///< where it went (its name in the trash's files/ folder), when moved
    QString error;       ///< "path: reason", when not moved
};

/// Moves each file to the system trash with QFile::moveToTrash: on Linux the freedesktop.org trash, i.e. the home
/// trash ($XDG_DATA_HOME/Trash, default ~/.local/share/Trash) for files on the home's volume, else the volume's own
/// .Trash/$UID or .Trash-$UID; with a .trashinfo file, so the desktop's trash can restore it. Nothing is ever deleted:
/// a file the trash cannot take stays where it is and gets an error. One outcome per path, in order.
std::vector<TrashOutcome> moveToTrash(const QStringList &paths);

} // namespace clipfind
