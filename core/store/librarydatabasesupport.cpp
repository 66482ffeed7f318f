// SPDX-License-Identifier: MIT
// The free functions of librarydatabase.h: where the database lives.
#include "core/store/librarydatabase.h"

#include <QDir>
#include <QStandardPaths>

namespace clipfind {

QString defaultDataDir()
{
    const QString fromEnv = qEnvironmentVariable("CLIPFIND_DATA_DIR");
    if (!fromEnv.isEmpty()) {
        return fromEnv;
    }
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/clipfind");
}

QString databasePathIn(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("cache.sqlite"));
}

} // namespace clipfind
