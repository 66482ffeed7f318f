// SPDX-License-Identifier: MIT
#pragma once

#include "core/encode/clipencoder.h"
#include "core/index/indexer.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace clipfind {

/// The user's choices, stored with QSettings (~/.config/ClipFind/ClipFind.conf). Plain values, read and written
/// whole, so a dialog can edit a copy and the window applies the difference.
struct AppSettings {
    enum class Device { Auto, Cpu, Gpu };

    QString modelPath;
    Device device = Device::Auto;
    /// A multilingual text model folder paired with the CLIP model (queries in other languages); empty: none.
    QString multilingualTextModel;
    TextTowerChoice textTower = TextTowerChoice::Auto;
    bool includeSubfolders = true;
    QStringList excludedFolders; ///< names or wildcard patterns ("raw", "*/exports/*")
    int thumbnailSize = 160;     ///< grid cell size in pixels, 64..256
    bool showFolders = true;     ///< the folder sidebar
    int foldersWidth = 230;      ///< its width in pixels
    QString lastFolder;
    QStringList recentFolders; ///< newest first, at most kMaxRecent
    QByteArray windowGeometry;
    QByteArray windowState;

    static constexpr int kMaxRecent = 10;
    static constexpr int kMinThumbnail = 64;
    static constexpr int kMaxThumbnail = 256;

    static AppSettings load();
    void save() const;

    /// Puts `folder` first in recentFolders and makes it the last folder.
    void rememberFolder(const QString &folder);
    IndexOptions indexOptions() const;
    /// Whether going from `before` to these settings needs the model loaded again (model, device, multilingual text
    /// model or its use) or the folder scanned again (subfolders, exclusions).
    bool changesModel(const AppSettings &before) const;
    bool changesScan(const AppSettings &before) const;
    ClipEncoder::Settings encoderSettings() const;
};

} // namespace clipfind
