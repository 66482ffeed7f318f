// SPDX-License-Identifier: MIT
// clipfind [--model PATH] [--data-dir DIR] [FOLDER]: the desktop app. clipfind-cli is the headless tool.
#include "core/embeddingcache.h"
#include "core/modelstore.h"
#include "core/thumbnailstore.h"
#include "ui/appsettings.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

using namespace clipfind;

namespace {

// --model, else $CLIPFIND_MODEL, else the settings, else the model chosen in the model dialog (or with
// clipfind-cli models fetch --select), else the file Python's clip.load leaves in ~/.cache/clip.
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
    if (!selected.isEmpty() && QFileInfo::exists(selected)) {
        return selected;
    }
    const QString cached = QDir::homePath() + QStringLiteral("/.cache/clip/ViT-B-32.pt");
    return QFileInfo::exists(cached) ? cached : QString();
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ClipFind"));
    QApplication::setOrganizationName(QStringLiteral("ClipFind"));
    QApplication::setApplicationVersion(QStringLiteral(CLIPFIND_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.clipfind.ClipFind"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Find photos by describing them."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("model"),
                      QApplication::translate("main", "The CLIP checkpoint (default: $CLIPFIND_MODEL, the settings, "
                                                      "~/.cache/clip/ViT-B-32.pt)."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("data-dir"),
                      QApplication::translate("main", "Where the index lives (default: $CLIPFIND_DATA_DIR, "
                                                      "~/.local/share/clipfind)."),
                      QStringLiteral("dir")});
    parser.addPositionalArgument(QStringLiteral("folder"), QApplication::translate("main", "The photo folder to open."),
                                 QStringLiteral("[FOLDER]"));
    parser.process(app);

    AppSettings settings = AppSettings::load();
    const QString dataDir = parser.isSet(QStringLiteral("data-dir")) ? parser.value(QStringLiteral("data-dir")) : defaultDataDir();
    const ThumbnailStore thumbnails = ThumbnailStore::standard();
    const QString model = chooseModel(parser, settings, dataDir);
    if (parser.isSet(QStringLiteral("model"))) {
        settings.modelPath = model; // chosen on the command line: also the model next time
    }
    MainWindow window(settings, databasePathIn(dataDir), &thumbnails);
    window.show();
    window.loadModel(model);
    const QString folder = parser.positionalArguments().value(0, settings.lastFolder);
    if (!folder.isEmpty()) {
        window.openFolder(folder);
    }
    return QApplication::exec();
}
