// SPDX-License-Identifier: MIT
#include "ui/appsettings.h"

#include <QSettings>

#include <algorithm>

namespace clipfind {

namespace {

QString deviceName(AppSettings::Device device)
{
    switch (device) {
    case AppSettings::Device::Cpu: return QStringLiteral("cpu");
    case AppSettings::Device::Gpu: return QStringLiteral("cuda");
    case AppSettings::Device::Auto: break;
    }
    return QStringLiteral("auto");
}

AppSettings::Device deviceFromName(const QString &name)
{
    if (name == QLatin1String("cpu")) {
        return AppSettings::Device::Cpu;
    }
    if (name == QLatin1String("cuda")) {
        return AppSettings::Device::Gpu;
    }
    return AppSettings::Device::Auto;
}

} // namespace

AppSettings AppSettings::load()
{
    QSettings settings;
    AppSettings s;
    s.modelPath = settings.value(QStringLiteral("model/path")).toString();
    s.device = deviceFromName(settings.value(QStringLiteral("model/device")).toString());
    s.multilingualTextModel = settings.value(QStringLiteral("model/multilingualText")).toString();
    if (!parseTextTowerChoice(settings.value(QStringLiteral("model/textTower")).toString(), &s.textTower)) {
        s.textTower = TextTowerChoice::Auto;
    }
    s.includeSubfolders = settings.value(QStringLiteral("index/includeSubfolders"), true).toBool();
    s.excludedFolders = settings.value(QStringLiteral("index/excluded")).toStringList();
    s.thumbnailSize =
        std::clamp(settings.value(QStringLiteral("view/thumbnailSize"), 160).toInt(), kMinThumbnail, kMaxThumbnail);
    s.showFolders = settings.value(QStringLiteral("view/showFolders"), true).toBool();
    s.foldersWidth = std::clamp(settings.value(QStringLiteral("view/foldersWidth"), 230).toInt(), 80, 1000);
    s.lastFolder = settings.value(QStringLiteral("folders/last")).toString();
    s.recentFolders = settings.value(QStringLiteral("folders/recent")).toStringList().mid(0, kMaxRecent);
    s.windowGeometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
    s.windowState = settings.value(QStringLiteral("window/state")).toByteArray();
    return s;
}

void AppSettings::save() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("model/path"), modelPath);
    settings.setValue(QStringLiteral("model/device"), deviceName(device));
    settings.setValue(QStringLiteral("model/multilingualText"), multilingualTextModel);
    settings.setValue(QStringLiteral("model/textTower"), textTowerChoiceName(textTower));
    settings.setValue(QStringLiteral("index/includeSubfolders"), includeSubfolders);
    settings.setValue(QStringLiteral("index/excluded"), excludedFolders);
    settings.setValue(QStringLiteral("view/thumbnailSize"), thumbnailSize);
    settings.setValue(QStringLiteral("view/showFolders"), showFolders);
    settings.setValue(QStringLiteral("view/foldersWidth"), foldersWidth);
    settings.setValue(QStringLiteral("folders/last"), lastFolder);
    settings.setValue(QStringLiteral("folders/recent"), recentFolders);
    settings.setValue(QStringLiteral("window/geometry"), windowGeometry);
    settings.setValue(QStringLiteral("window/state"), windowState);
    settings.sync(); // written now: a crash later must not lose the folder the user just chose
}

void AppSettings::rememberFolder(const QString &folder)
{
    recentFolders.removeAll(folder);
    recentFolders.prepend(folder);
    while (recentFolders.size() > kMaxRecent) {
        recentFolders.removeLast();
    }
    lastFolder = folder;
}

IndexOptions AppSettings::indexOptions() const
{
    IndexOptions options;
    options.scan.recursive = includeSubfolders;
    options.scan.excludePatterns = excludedFolders;
    return options;
}

bool AppSettings::changesModel(const AppSettings &before) const
{
    return modelPath != before.modelPath || device != before.device
           || multilingualTextModel != before.multilingualTextModel || textTower != before.textTower;
}

bool AppSettings::changesScan(const AppSettings &before) const
{
    return includeSubfolders != before.includeSubfolders || excludedFolders != before.excludedFolders;
}

ClipEncoder::Settings AppSettings::encoderSettings() const
{
    ClipEncoder::Settings settings;
    // A start opens the checkpoint's header only; PhotoLibrary builds the text tower while the rows load, and the
    // image tower waits until a photo must be encoded (issue 12).
    settings.preload = ClipEncoder::Preload::Checkpoint;
    settings.multilingualText = multilingualTextModel;
    settings.textTower = textTower;
    switch (device) {
    case Device::Auto: settings.load.device = clip::DeviceChoice::Auto; break;
    case Device::Cpu: settings.load.device = clip::DeviceChoice::Cpu; break;
    case Device::Gpu: settings.load.device = clip::DeviceChoice::Cuda; break;
    }
    return settings;
}

} // namespace clipfind
