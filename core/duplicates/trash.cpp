// SPDX-License-Identifier: MIT
#include "core/duplicates/trash.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>

namespace clipfind {

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
    plan.question = QStringLiteral("Move %1 (%2) to the trash?")
                        .arg(plan.files == 1 ? QStringLiteral("1 file") : QStringLiteral("%1 files").arg(plan.files),
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
            outcome.error = path + QStringLiteral(": no such file");
        } else if (!info.isFile()) {
            outcome.error = path + QStringLiteral(": not a file");
        } else {
            QFile file(path);
            outcome.moved = file.moveToTrash();
            if (outcome.moved) {
                outcome.pathInTrash = file.fileName(); // QFile::moveToTrash leaves the new path here
            } else {
                outcome.error = path + QStringLiteral(": cannot move it to the trash (%1)").arg(file.errorString());
            }
        }
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

} // namespace clipfind
