// SPDX-License-Identifier: MIT
#include "core/duplicates/trash.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>

namespace clipfind {

namespace {

// Whether `moved` (where QFile::moveToTrash() put a file) is inside a freedesktop.org trash: .../Trash/files/NAME,
// .../.Trash-UID/files/NAME or .../.Trash/UID/files/NAME. Qt 6.4, when it cannot make the home trash (a plain file
// named Trash, say), goes on with an empty trash path and moves the file into files/ of the current directory.
bool isInTrash(const QString &moved)
{
    const QDir files = QFileInfo(moved).absoluteDir();
    QDir trash = files;
    if (files.dirName() != QLatin1String("files") || !trash.cdUp()) {
        return false;
    }
    const QString name = trash.dirName();
    if (name == QLatin1String("Trash") || name.startsWith(QLatin1String(".Trash-"))) {
        return true;
    }
    return trash.cdUp() && trash.dirName() == QLatin1String(".Trash");
}

} // namespace

TrashPlan planTrash(const QStringList &paths)
{
    TrashPlan plan;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isFile()) {
            ++plan.files;
            plan.bytes += info.size();
        }
    }
    plan.question =
        QCoreApplication::translate("clipfind::Trash", "Move %1 (%2) to the trash?")
            .arg(plan.files == 1 ? QCoreApplication::translate("clipfind::Trash", "1 file")
                                 : QCoreApplication::translate("clipfind::Trash", "%1 files").arg(plan.files),
                 QLocale::c().formattedDataSize(plan.bytes, 1, QLocale::DataSizeSIFormat));
    return plan;
}

std::vector<TrashOutcome> moveToTrash(const QStringList &paths)
{
    std::vector<TrashOutcome> outcomes;
    outcomes.reserve(size_t(paths.size()));
    for (const QString &path : paths) {
        TrashOutcome outcome;
        outcome.path = path;
        const QFileInfo info(path);
        if (!info.exists()) {
            outcome.error = QCoreApplication::translate("clipfind::Trash", "%1: no such file").arg(path);
        } else if (!info.isFile()) {
            outcome.error = QCoreApplication::translate("clipfind::Trash", "%1: not a file").arg(path);
        } else {
            QFile file(path);
            outcome.moved = file.moveToTrash();
            // A file Qt moved somewhere that is not a trash folder (see isInTrash()) is put back with an error.
            if (outcome.moved && !isInTrash(file.fileName())) {
                // Not a trash the desktop can restore from: put it back, and the .trashinfo Qt wrote beside it goes.
                const QFileInfo moved(file.fileName());
                QFile::remove(
                    moved.absoluteDir().absoluteFilePath(QStringLiteral("../info/%1.trashinfo").arg(moved.fileName())));
                outcome.moved = !QFile::rename(moved.absoluteFilePath(), path);
                outcome.error =
                    QCoreApplication::translate("clipfind::Trash",
                                                "%1: cannot move it to the trash (the trash folder cannot be made)")
                        .arg(path);
                if (outcome.moved) { // it cannot go back either: say where it is, so nothing is lost
                    outcome.pathInTrash = moved.absoluteFilePath();
                    outcome.error.clear();
                }
            } else if (outcome.moved) {
                outcome.pathInTrash = file.fileName(); // QFile::moveToTrash leaves the new path here
            } else {
                outcome.error = QCoreApplication::translate("clipfind::Trash", "%1: cannot move it to the trash (%2)")
                                    .arg(path, file.errorString());
            }
        }
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

} // namespace clipfind
