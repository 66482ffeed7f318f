// SPDX-License-Identifier: MIT
// clipfind [--model PATH] [--data-dir DIR] [FOLDER]: the desktop app. clipfind-cli is the headless tool.
#include "core/models/modelstore.h"
#include "core/store/librarydatabase.h"
#include "core/thumbnails/thumbnailcache.h"
#include "ui/appsettings.h"
#include "ui/mainwindow.h"
#include "ui/uilanguage.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

using namespace clipfind;

namespace {

// --model, else $CLIPFIND_MODEL (both explicit choices), else Settings, else the model verified and chosen in the
// model dialog (or with clipfind-cli models fetch --select). A file merely found on disk, such as the
// ~/.cache/clip/ViT-B-32.pt Python's clip.load leaves, is not used until the model dialog has verified it: the
// window then offers the dialog, which finds that file and preselects it.
QString chooseModel(const QCommandLineParser &parser, const AppSettings &settings, const QString &dataDir)
{
    if (parser.isSet(QStringLiteral("model"))) {
        return parser.value(QStringLiteral("model"));
    }
    if (!qEnvironmentVariableIsEmpty("CLIPFIND_MODEL")) {
        return qEnvironmentVariable("CLIPFIND_MODEL");
    }
    if (!settings.modelPath.isEmpty()) {
        return settings.modelPath;
    }
    const QString selected = ModelStore(dataDir).selectedModel();
    return QFileInfo::exists(selected) ? selected : QString();
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ClipFind"));
    QApplication::setOrganizationName(QStringLiteral("ClipFind"));
    QApplication::setApplicationVersion(QStringLiteral(CLIPFIND_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.clipfind.ClipFind"));
    installTranslations(); // the system's language (LANG=zh_CN.UTF-8: Chinese), else English

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Find photos by describing them."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("model"),
                      QApplication::translate("main", "The CLIP checkpoint (default: $CLIPFIND_MODEL, the settings, "
                                                      "the model chosen in the model dialog)."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("data-dir"),
                      QApplication::translate("main", "Where the index lives (default: $CLIPFIND_DATA_DIR, "
                                                      "~/.local/share/clipfind)."),
                      QStringLiteral("dir")});
    parser.addPositionalArgument(QStringLiteral("folder"), QApplication::translate("main", "The photo folder to open."),
                                 QStringLiteral("[FOLDER]"));
    parser.process(app);

    AppSettings settings = AppSettings::load();
    const QString dataDir =
        parser.isSet(QStringLiteral("data-dir")) ? parser.value(QStringLiteral("data-dir")) : defaultDataDir();
    const ThumbnailCache thumbnails = ThumbnailCache::standard();
    const QString model = chooseModel(parser, settings, dataDir);
    if (parser.isSet(QStringLiteral("model"))) {
        settings.modelPath = model; // chosen on the command line: also the model next time
    }
    MainWindow window(settings, databasePathIn(dataDir), &thumbnails);
    window.show();
    // The folder first: its photos show before the model (loaded after them, or as soon as a query is typed).
    const QString folder = parser.positionalArguments().value(0, settings.lastFolder);
    if (!folder.isEmpty()) {
        window.openFolder(folder);
    }
    window.loadModelAfterFirstPhotos(model);
    return QApplication::exec();
}
