// SPDX-License-Identifier: MIT
// Why this file is long: a tool, not the app: each mode (stalls, screenshot, listing, launch) drives the real window
// its own way, listed in one place with the setup they share.
// clipfind-gui-bench: the real main window, driven like a user drives it, measured from inside.
//
//   stalls      index a generated folder while "typing" queries and scrolling the results; prints how late a 5 ms
//               heartbeat timer on the GUI thread fires (event-loop stalls: max, 99th percentile) as JSON
//   screenshot  index a folder, type a query, wait for the thumbnails, grab the screen (run under Xvfb); with
//               --browse: type nothing, show the folder's photos by month (generated albums over several months);
//               with --duplicates: Tools → Find Duplicates on the albums plus copies of some of their photos
//   listing     time listing a folder of --files photos for browsing (the browser alone, cold and with its dates
//               cache, then the window up to the photos on screen) and scrolling through them, as JSON
//   launch      start on a folder indexed before (clipfind-cli index), a query typed at once, the model loaded as
//               the app loads it (--eager: as before issue 12): milliseconds from process start to the window, the
//               model opened, the rows loaded, the text tower ready, the first results and the first thumbnail on
//               screen, as JSON
#include "app/guibench/albums.h"
#include "core/browse/folderbrowser.h"
#include "core/encode/clipencoder.h"
#include "core/engine/engine.h"
#include "core/index/libraryindexer.h"
#include "core/photolibrary.h"
#include "core/search/livesearch.h"
#include "core/store/librarydatabase.h"
#include "core/thumbnails/thumbnailcache.h"
#include "core/thumbnails/thumbnailloader.h"
#include "ui/appsettings.h"
#include "ui/browseview.h"
#include "ui/duplicatesdialog.h"
#include "ui/duplicatesmodel.h"
#include "ui/mainwindow.h"
#include "ui/resultmodel.h"
#include "ui/resultsview.h"
#include "ui/searchfield.h"
#include "ui/uilanguage.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCursor>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGuiApplication>
#include <QInputMethodEvent>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPainter>
#include <QRandomGenerator>
#include <QScreen>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <thread>

#include <unistd.h>

using namespace clipfind;
using namespace clipfind::bench;

namespace {

// Milliseconds from the process start to now: from CLIPFIND_SPAWN_NS (CLOCK_MONOTONIC at spawn, when a parent
// passes it), else from the kernel's start time of this process (/proc/self/stat, 10 ms steps).
double msSinceProcessStart()
{
    timespec now;
    bool ok = false;
    const qint64 spawned = qEnvironmentVariable("CLIPFIND_SPAWN_NS").toLongLong(&ok);
    if (ok && spawned > 0) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        return double(qint64(now.tv_sec) * 1000000000 + now.tv_nsec - spawned) / 1e6;
    }
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly)) {
        return 0;
    }
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on
    const double startTicks = fields.value(19).toDouble();                           // field 22: starttime
    clock_gettime(CLOCK_BOOTTIME, &now);
    return (double(now.tv_sec) + double(now.tv_nsec) / 1e9 - startTicks / double(sysconf(_SC_CLK_TCK))) * 1000.0;
}

// A photo-like JPEG: a gradient, a few shapes and sensor-like noise.
bool writePhoto(const QString &path, const QSize &size, quint32 seed)
{
    QRandomGenerator random(seed);
    QImage image(size, QImage::Format_RGB888);
    QPainter painter(&image);
    QLinearGradient sky(0, 0, 0, size.height());
    sky.setColorAt(0, QColor::fromHsv(int(random.bounded(360)), 120, 200));
    sky.setColorAt(1, QColor::fromHsv(int(random.bounded(360)), 180, 80));
    painter.fillRect(image.rect(), sky);
    for (int i = 0; i < 10; ++i) {
        painter.setBrush(QColor::fromHsv(int(random.bounded(360)), 200, 220));
        painter.drawEllipse(QPoint(int(random.bounded(size.width())), int(random.bounded(size.height()))),
                            int(random.bounded(size.width() / 6)), int(random.bounded(size.height() / 6)));
    }
    painter.end();
    for (int y = 0; y < image.height(); ++y) {
        uchar *line = image.scanLine(y);
        for (int x = 0; x < image.width() * 3; ++x) {
            line[x] = uchar(std::clamp(int(line[x]) + int(random.bounded(17)) - 8, 0, 255));
        }
    }
    return image.save(path, "JPEG", 92);
}

int fail(const QString &message)
{
    std::fprintf(stderr, "clipfind-gui-bench: %s\n", qPrintable(message));
    return 1;
}

// Records how late a 5 ms timer fires on the GUI thread: any lateness is time the event loop could not run.
class StallMonitor : public QObject
{
public:
    explicit StallMonitor(QObject *parent)
        : QObject(parent)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(kIntervalMs);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const double now = m_clock.nsecsElapsed() / 1e6;
            m_lateness.push_back(std::max(0.0, now - m_last - kIntervalMs));
            m_last = now;
        });
    }
    void start()
    {
        m_clock.start();
        m_last = 0;
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    QJsonObject summary() const
    {
        std::vector<double> sorted = m_lateness;
        std::sort(sorted.begin(), sorted.end());
        auto percentile = [&](double p) {
            return sorted.empty() ? 0.0 : sorted[size_t(p * double(sorted.size() - 1))];
        };
        const auto over50 = std::count_if(sorted.begin(), sorted.end(), [](double v) { return v > 50; });
        return {{QStringLiteral("ticks"), qint64(sorted.size())},
                {QStringLiteral("max_ms"), sorted.empty() ? 0.0 : sorted.back()},
                {QStringLiteral("p99_ms"), percentile(0.99)},
                {QStringLiteral("p50_ms"), percentile(0.5)},
                {QStringLiteral("over_50ms"), qint64(over50)}};
    }

private:
    static constexpr int kIntervalMs = 5;
    QTimer m_timer;
    QElapsedTimer m_clock;
    double m_last = 0;
    std::vector<double> m_lateness;
};

// Types `text` into the field one key every `intervalMs`, as a person does, letting the event loop run between.
void typeSlowly(QLineEdit *field, const QString &text, int intervalMs)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x80) {
            QTest::keyClick(field, c.toLatin1());
        } else { // what an input method (for Chinese, say) sends: the composed text, committed
            QInputMethodEvent commit;
            commit.setCommitString(QString(c));
            QCoreApplication::sendEvent(field, &commit);
        }
        QTest::qWait(intervalMs);
    }
}

// Times listing `folder` (generated with `files` empty photos when it does not exist): the browser alone with an
// empty dates cache and again with the one the first pass filled, then the window from openFolder() to the photos
// in the browse view, then a flick through them with the event-loop monitor running. JSON on stdout.
int runListing(QString folder, int files, const QTemporaryDir &work, const ThumbnailCache &thumbnails)
{
    if (!QFileInfo::exists(folder)) {
        std::fprintf(stderr, "generating %d empty photo files...\n", files);
        QString error;
        if (!generateEmptyPhotos(folder, files, &error)) {
            return fail(error);
        }
    }
    folder = QFileInfo(folder).canonicalFilePath();
    QJsonObject out;
    qint64 photos = 0;
    for (const char *pass : {"cold", "warm"}) {
        FolderBrowser browser(work.filePath(QStringLiteral("data/browse.sqlite")));
        std::shared_ptr<const PhotoListing> first;
        std::shared_ptr<const PhotoListing> walked;
        std::shared_ptr<const PhotoListing> settled;
        QElapsedTimer clock;
        double firstMs = 0;
        double walkedMs = 0;
        double settledMs = 0;
        QObject::connect(&browser, &FolderBrowser::listingChanged, &browser,
                         [&](std::shared_ptr<const PhotoListing> listing) {
                             const double now = clock.nsecsElapsed() / 1e6;
                             if (!first) {
                                 first = listing;
                                 firstMs = now;
                             }
                             if (!listing->fromCache && !walked) {
                                 walked = listing;
                                 walkedMs = now;
                             }
                             if (!listing->fromCache && listing->datesComplete && !settled) {
                                 settled = listing;
                                 settledMs = now;
                             }
                         });
        clock.start();
        browser.open(folder, ScanOptions{});
        while (!settled && clock.elapsed() < 600000) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
        }
        if (!first || !walked || !settled) {
            return fail(QStringLiteral("no listing of %1").arg(folder));
        }
        photos = qint64(walked->photos.size());
        out.insert(QLatin1String(pass),
                   QJsonObject{{QStringLiteral("first_listing_ms"), firstMs},
                               {QStringLiteral("first_from_cache"), first->fromCache},
                               {QStringLiteral("cache_read_ms"), first->fromCache ? first->timings.dates : 0.0},
                               {QStringLiteral("walked_listing_ms"), walkedMs},
                               {QStringLiteral("scan_ms"), walked->timings.scan},
                               {QStringLiteral("merge_ms"), walked->timings.dates},
                               {QStringLiteral("build_ms"), walked->timings.build},
                               {QStringLiteral("months"), qint64(walked->sections.size())},
                               {QStringLiteral("folders"), qint64(walked->folders.nodes.size())},
                               {QStringLiteral("all_dates_ms"), settledMs}});
    }
    out.insert(QStringLiteral("photos"), photos);

    AppSettings settings;
    settings.thumbnailSize = 160;
    MainWindow window(settings, databasePathIn(work.filePath(QStringLiteral("data"))), &thumbnails);
    window.resize(1280, 860);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) {
        return fail(QStringLiteral("the window was not shown"));
    }
    QElapsedTimer clock;
    clock.start();
    if (!window.openFolder(folder)) {
        return fail(QStringLiteral("cannot open %1").arg(folder));
    }
    while (window.browseView()->model()->rowCount() < photos && clock.elapsed() < 600000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    }
    out.insert(QStringLiteral("window_open_to_photos_ms"), clock.nsecsElapsed() / 1e6);
    QTest::qWait(500);
    StallMonitor monitor(&window);
    monitor.start();
    QScrollBar *bar = window.browseView()->verticalScrollBar();
    for (int step = 0; step <= 100; ++step) { // top to bottom in 100 jumps, a frame apart
        bar->setValue(int(qint64(bar->maximum()) * step / 100));
        QTest::qWait(16);
    }
    for (int step = 0; step < 120; ++step) { // then line by line, as a wheel does
        bar->triggerAction(QAbstractSlider::SliderSingleStepSub);
        QTest::qWait(16);
    }
    monitor.stop();
    out.insert(QStringLiteral("scroll_stalls"), monitor.summary());
    out.insert(QStringLiteral("platform"), QGuiApplication::platformName());
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}

// launch: the window on a folder indexed before, a query typed as soon as the window shows (or none: --query ""),
// the model loaded as the app loads it (MainWindow::loadModelAfterFirstPhotos: after the folder's first photos or at
// the first key, the remembered hash and the checkpoint's header, then the text tower on the loading thread while
// the rows load on the other). --eager: the model loaded as the app did before issue 12
// (the whole file read and hashed, both towers built, before the rows).
int runLaunch(const QCommandLineParser &parser, double startMs, const QElapsedTimer &mainClock)
{
    const QString model = parser.value(QStringLiteral("model"));
    const QString folder = parser.value(QStringLiteral("folder"));
    const QString dataDir = parser.value(QStringLiteral("data-dir"));
    if (model.isEmpty() || folder.isEmpty() || dataDir.isEmpty()) {
        return fail(QStringLiteral("launch needs --model, --folder and --data-dir (index the folder first: "
                                   "clipfind-cli index FOLDER --model M --data-dir D)"));
    }
    const bool eager = parser.isSet(QStringLiteral("eager"));
    auto now = [&] { return startMs + mainClock.nsecsElapsed() / 1e6; };
    QJsonObject times{{QStringLiteral("main"), startMs}};
    auto mark = [&](const char *name) {
        if (!times.contains(QLatin1String(name))) {
            times.insert(QLatin1String(name), now());
        }
    };
    const ThumbnailCache thumbnails = ThumbnailCache::standard(); // where `clipfind-cli index` put them
    AppSettings settings;
    settings.thumbnailSize = 160;
    settings.device = AppSettings::Device::Cpu;
    MainWindow window(settings, databasePathIn(dataDir), &thumbnails);
    PhotoLibrary *library = window.library();
    qint64 rows = -1;
    QString modelError;
    QObject::connect(library, &PhotoLibrary::modelReady, &window, [&] { mark("model_opened"); });
    QObject::connect(library, &PhotoLibrary::modelFailed, &window, [&](const QString &error) { modelError = error; });
    QObject::connect(library, &PhotoLibrary::searchReady, &window, [&](qint64 count) {
        rows = count;
        mark("rows_loaded");
    });
    QObject::connect(&window, &MainWindow::resultsShown, &window, [&](int count) {
        if (count > 0) {
            mark("first_result");
        }
    });
    QObject::connect(library->thumbnails(), &ThumbnailLoader::thumbnailReady, &window,
                     [&] { mark("first_thumbnail"); });
    window.resize(1280, 860);
    window.show();
    if (eager) {
        ClipEncoder::Settings before;
        before.load.device = clip::DeviceChoice::Cpu;
        before.load.fileAccess = clip::FileAccess::Read;
        before.load.lazyTowers = false;
        before.preload = ClipEncoder::Preload::BothTowers;
        library->loadModel(model, before); // no data folder: the file is hashed
    }
    if (!window.openFolder(folder)) {
        return fail(QStringLiteral("cannot open %1").arg(folder));
    }
    if (!eager) {
        window.loadModelAfterFirstPhotos(model); // as app/main.cpp
    }
    if (!QTest::qWaitForWindowExposed(&window)) {
        return fail(QStringLiteral("the window was not shown"));
    }
    mark("window_shown");
    // With a query: typed at launch, the first result and its thumbnail. Without: the folder's photos (the browse
    // page's first thumbnail), what a launch shows before any query.
    const QString query = parser.value(QStringLiteral("query"));
    const bool typed = !query.isEmpty();
    window.searchField()->setFocus();
    QTest::keyClicks(window.searchField(), query);
    QElapsedTimer wait;
    wait.start();
    while (
        ((typed && !times.contains(QLatin1String("first_result"))) || !times.contains(QLatin1String("first_thumbnail")))
        && modelError.isEmpty() && wait.elapsed() < 120000) {
        if (library->encoder() && library->encoder()->isTextTowerReady()) {
            mark("text_ready"); // polled: within 5 ms
        }
        QTest::qWait(5);
    }
    if (!modelError.isEmpty()) {
        return fail(modelError);
    }
    QJsonObject out{{QStringLiteral("mode"), eager ? QStringLiteral("eager") : QStringLiteral("app")},
                    {QStringLiteral("rows"), rows},
                    {QStringLiteral("ms_from_process_start"), times},
                    {QStringLiteral("platform"), QGuiApplication::platformName()}};
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    window.close();
    return times.contains(QLatin1String(typed ? "first_result" : "first_thumbnail")) ? 0 : 1;
}

// Tools → Find Duplicates on the open folder, once its groups and their thumbnails are there; grabs that window.
int screenshotDuplicates(MainWindow *window, const QString &output)
{
    QTest::qWait(500);
    window->findDuplicatesAction()->trigger();
    DuplicatesDialog *dialog = window->duplicatesDialog();
    if (!dialog) {
        return fail(
            QStringLiteral("Find Duplicates did not open: %1").arg(window->library()->duplicatesUnavailableReason()));
    }
    dialog->resize(1240, 860);
    dialog->move(window->geometry().topLeft());
    QElapsedTimer wait;
    wait.start();
    while (dialog->isSearching() && wait.elapsed() < 300000) {
        QTest::qWait(50);
    }
    QTest::qWait(3000);                                                      // the visible thumbnails
    QCursor::setPos(dialog->frameGeometry().bottomRight() + QPoint(20, 20)); // no card under the pointer
    QTest::qWait(200);
    const QPixmap shot = dialog->screen()->grabWindow(0).copy(dialog->frameGeometry());
    if (shot.isNull() || !shot.save(output)) {
        return fail(QStringLiteral("cannot grab or save the screen"));
    }
    std::fprintf(stderr, "saved %s (%dx%d): %s\n", qPrintable(output), shot.width(), shot.height(),
                 qPrintable(dialog->summary().isEmpty() ? dialog->stateText() : dialog->summary()));
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    const double startMs = msSinceProcessStart(); // the time before main: loading libtorch, Qt and the rest
    QElapsedTimer mainClock;
    mainClock.start();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ClipFind-bench")); // its own settings, not the user's
    QApplication::setOrganizationName(QStringLiteral("ClipFind"));
    installTranslations(); // as the app does: LANG=zh_CN.UTF-8 shows the window in Chinese
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Event-loop stalls of the real window while indexing and typing; "
                                                    "or a screenshot."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("stalls | screenshot | listing | launch"));
    parser.addOption({QStringLiteral("browse"), QStringLiteral("Screenshot of the folder's photos, nothing typed.")});
    parser.addOption({QStringLiteral("duplicates"),
                      QStringLiteral("Screenshot of Find Duplicates (needs --model; generates albums with copies).")});
    parser.addOption({QStringLiteral("scroll"),
                      QStringLiteral("Scroll the photos down this many pixels (screenshot --browse)."),
                      QStringLiteral("px"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("thumbnail"), QStringLiteral("Thumbnail size in pixels."), QStringLiteral("px"),
                      QStringLiteral("160")});
    parser.addOption({QStringLiteral("files"), QStringLiteral("Empty photo files to generate (listing)."),
                      QStringLiteral("n"), QStringLiteral("100000")});
    parser.addOption({QStringLiteral("photos"), QStringLiteral("Photos to generate (stalls)."), QStringLiteral("n"),
                      QStringLiteral("2000")});
    parser.addOption({QStringLiteral("size"), QStringLiteral("Generated photo size WxH."), QStringLiteral("WxH"),
                      QStringLiteral("1600x1200")});
    parser.addOption({QStringLiteral("folders"),
                      QStringLiteral("Spread the generated photos over this many subfolders."), QStringLiteral("n"),
                      QStringLiteral("1")});
    parser.addOption({QStringLiteral("seconds"), QStringLiteral("How long to type and scroll (stalls)."),
                      QStringLiteral("s"), QStringLiteral("60")});
    parser.addOption({QStringLiteral("arch"), QStringLiteral("Random-weight model of this shape (stalls)."),
                      QStringLiteral("arch"), QStringLiteral("ViT-B/32")});
    parser.addOption(
        {QStringLiteral("model"), QStringLiteral("A checkpoint instead of a random model."), QStringLiteral("path")});
    parser.addOption({QStringLiteral("folder"),
                      QStringLiteral("Index this folder (generated into it when it does not exist)."),
                      QStringLiteral("dir")});
    parser.addOption(
        {QStringLiteral("query"),
         QStringLiteral("The query to type (screenshot; launch: at once, or \"\" to time the folder's photos)."),
         QStringLiteral("text"), QStringLiteral("a red circle")});
    parser.addOption({QStringLiteral("output"), QStringLiteral("Screenshot file."), QStringLiteral("png"),
                      QStringLiteral("screenshot.png")});
    parser.addOption({QStringLiteral("data-dir"),
                      QStringLiteral("The data folder the folder was indexed into (launch)."), QStringLiteral("dir")});
    parser.addOption(
        {QStringLiteral("eager"), QStringLiteral("launch: load the model as the app did before issue 12 (the "
                                                 "whole file read and hashed, both towers built, before "
                                                 "the rows) instead of as MainWindow::loadModel does.")});
    parser.process(app);
    const QString mode = parser.positionalArguments().value(0);
    if (mode != QLatin1String("stalls") && mode != QLatin1String("screenshot") && mode != QLatin1String("listing")
        && mode != QLatin1String("launch")) {
        return fail(QStringLiteral("say stalls, screenshot, listing or launch"));
    }

    if (mode == QLatin1String("launch")) {
        return runLaunch(parser, startMs, mainClock);
    }

    QTemporaryDir work;
    const ThumbnailCache thumbnails(work.filePath(QStringLiteral("cache")), work.filePath(QStringLiteral("own")));
    QString folder = parser.value(QStringLiteral("folder"));
    if (mode == QLatin1String("listing")) {
        return runListing(folder.isEmpty() ? work.filePath(QStringLiteral("photos")) : folder,
                          parser.value(QStringLiteral("files")).toInt(), work, thumbnails);
    }
    const bool browse = parser.isSet(QStringLiteral("browse"));
    const bool duplicates = parser.isSet(QStringLiteral("duplicates"));
    const QStringList wh = parser.value(QStringLiteral("size")).split(QLatin1Char('x'));
    const QSize size(wh.value(0).toInt(), wh.value(1).toInt());
    if (duplicates && !parser.isSet(QStringLiteral("model"))) {
        return fail(QStringLiteral("--duplicates needs --model"));
    }
    if (duplicates && (folder.isEmpty() || !QFileInfo::exists(folder))) {
        if (folder.isEmpty()) {
            folder = work.filePath(QStringLiteral("photos"));
        }
        QString error;
        std::fprintf(stderr, "generating albums of %dx%d photos with copies...\n", size.width(), size.height());
        if (!generateDuplicates(folder, size, &error)) {
            return fail(error);
        }
    }
    if (browse && (folder.isEmpty() || !QFileInfo::exists(folder))) {
        if (folder.isEmpty()) {
            folder = work.filePath(QStringLiteral("photos"));
        }
        QString error;
        std::fprintf(stderr, "generating albums of %dx%d photos...\n", size.width(), size.height());
        if (!generateAlbums(folder, size, &error)) {
            return fail(error);
        }
    }
    // No folder, or one that does not exist yet: generate the photos (into it, so the next run can reuse them).
    if (folder.isEmpty() || !QFileInfo::exists(folder)) {
        if (folder.isEmpty()) {
            folder = work.filePath(QStringLiteral("photos"));
        }
        QDir().mkpath(folder);
        const int count = parser.value(QStringLiteral("photos")).toInt();
        std::fprintf(stderr, "generating %d photos of %dx%d...\n", count, size.width(), size.height());
        const int folders = std::max(1, parser.value(QStringLiteral("folders")).toInt());
        for (int i = 0; i < count; ++i) {
            const QString subfolder =
                folders > 1 ? QStringLiteral("/%1/%2").arg(i % folders / 100).arg(i % folders) : QString();
            QDir().mkpath(folder + subfolder);
            if (!writePhoto(folder + subfolder + QStringLiteral("/IMG_%1.jpg").arg(i, 5, 10, QLatin1Char('0')), size,
                            quint32(i))) {
                return fail(QStringLiteral("cannot write into %1").arg(folder));
            }
        }
    }

    AppSettings settings;
    settings.thumbnailSize = parser.value(QStringLiteral("thumbnail")).toInt();
    MainWindow window(settings, databasePathIn(work.filePath(QStringLiteral("data"))), &thumbnails);
    window.resize(browse ? QSize(1320, 880) : QSize(1280, 860));
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) {
        return fail(QStringLiteral("the window was not shown"));
    }
    PhotoLibrary *library = window.library();
    if (parser.isSet(QStringLiteral("model"))) {
        window.loadModel(parser.value(QStringLiteral("model")));
    } else if (browse) {
        // Browsing needs no model: the window as a new user without one sees it.
    } else {
        clip::LoadOptions options;
        options.device = clip::DeviceChoice::Cpu;
        QString error;
        const Engine *models = modelEngine(&error);
        std::shared_ptr<PhotoEncoder> encoder =
            models ? models->createRandomEncoder(parser.value(QStringLiteral("arch")), options, &error) : nullptr;
        if (!encoder) {
            return fail(error);
        }
        library->setEncoder(encoder);
    }
    QElapsedTimer wait;
    wait.start();
    const bool needsModel = !browse || parser.isSet(QStringLiteral("model"));
    while (needsModel && !library->hasModel() && wait.elapsed() < 120000) {
        QTest::qWait(50);
    }
    if (needsModel && !library->hasModel()) {
        return fail(QStringLiteral("the model did not load"));
    }
    QElapsedTimer opening;
    opening.start();
    if (!window.openFolder(folder)) {
        return fail(QStringLiteral("cannot open %1").arg(folder));
    }
    const double openFolderMs = opening.nsecsElapsed() / 1e6; // on the GUI thread: watching the tree starts here
    LibraryIndexer *indexer = library->indexer();

    if (mode == QLatin1String("screenshot")) {
        bool finished = !library->hasModel();
        QObject::connect(indexer, &LibraryIndexer::runFinished, &window, [&finished] { finished = true; });
        while (!finished && wait.elapsed() < 300000) {
            QTest::qWait(50);
        }
        if (duplicates) {
            return screenshotDuplicates(&window, parser.value(QStringLiteral("output")));
        }
        if (browse) {
            while (wait.elapsed() < 300000
                   && !(library->browser()->listing() && library->browser()->listing()->datesComplete)) {
                QTest::qWait(50);
            }
            window.browseView()->verticalScrollBar()->setValue(parser.value(QStringLiteral("scroll")).toInt());
            QTest::qWait(3000); // the visible thumbnails
        } else {
            QTest::qWait(1500); // the rows reach the search engine
            typeSlowly(window.searchField(), parser.value(QStringLiteral("query")), 60);
            QTest::qWait(2500); // results, then their thumbnails
        }
        QCursor::setPos(window.frameGeometry().bottomRight() + QPoint(20, 20)); // no photo under the pointer
        QTest::qWait(200);
        QScreen *screen = window.screen();
        const QPixmap shot = screen->grabWindow(0).copy(window.frameGeometry());
        if (shot.isNull() || !shot.save(parser.value(QStringLiteral("output")))) {
            return fail(QStringLiteral("cannot grab or save the screen"));
        }
        std::fprintf(stderr, "saved %s (%dx%d), %d results, %d photos\n",
                     qPrintable(parser.value(QStringLiteral("output"))), shot.width(), shot.height(),
                     window.resultModel()->rowCount(), window.browseView()->model()->rowCount());
        return 0;
    }

    // Stalls: let indexing get going (the engine's first rows), then type and scroll while it runs.
    QTest::qWait(3000);
    StallMonitor monitor(&app);
    // Search latency as the user meets it: the search's own time, and from the last key to the results on screen.
    std::vector<double> searchMs;
    std::vector<double> keyToResultMs;
    QElapsedTimer sinceKey;
    QObject::connect(library->search(), &LiveSearch::resultsReady, &window, [&](const SearchResults &results) {
        if (!results.hits.empty()) {
            searchMs.push_back(results.timings.total);
        }
    });
    QObject::connect(window.searchField(), &QLineEdit::textEdited, &window, [&] { sinceKey.start(); });
    QObject::connect(&window, &MainWindow::resultsShown, &window, [&](int count) {
        if (count > 0 && sinceKey.isValid()) {
            keyToResultMs.push_back(sinceKey.nsecsElapsed() / 1e6);
            sinceKey.invalidate();
        }
    });
    monitor.start();
    const QStringList queries{QStringLiteral("a sunset over the sea"), QStringLiteral("red balloons"),
                              QStringLiteral("dog + snow"), QStringLiteral("beach - people"),
                              QStringLiteral("a green field under a blue sky")};
    QElapsedTimer clock;
    clock.start();
    const qint64 seconds = parser.value(QStringLiteral("seconds")).toLongLong();
    int typed = 0;
    while (clock.elapsed() < seconds * 1000) {
        QLineEdit *field = window.searchField();
        field->selectAll();
        QTest::keyClick(field, Qt::Key_Backspace);
        typeSlowly(field, queries[typed % queries.size()], 110); // about 9 keys per second
        ++typed;
        QTest::qWait(400);
        QScrollBar *bar = window.resultView()->verticalScrollBar();
        for (int step = 0; step < 20 && bar->maximum() > 0; ++step) { // a flick through the results and back
            bar->setValue(bar->maximum() * (step < 10 ? step : 20 - step) / 10);
            QTest::qWait(30);
        }
    }
    monitor.stop();
    const IndexProgress progress = indexer->progress();
    QJsonObject out = monitor.summary();
    out.insert(QStringLiteral("seconds"), double(clock.elapsed()) / 1000.0);
    out.insert(QStringLiteral("queries_typed"), typed);
    out.insert(QStringLiteral("indexing_state"), indexer->state() == LibraryIndexer::State::Idle
                                                     ? QStringLiteral("finished")
                                                     : QStringLiteral("running"));
    out.insert(QStringLiteral("photos_indexed"), progress.done);
    out.insert(QStringLiteral("photos_to_index"), progress.total);
    out.insert(QStringLiteral("platform"), QGuiApplication::platformName());
    out.insert(QStringLiteral("open_folder_ms"), openFolderMs);
    auto stats = [](std::vector<double> values) {
        std::sort(values.begin(), values.end());
        if (values.empty()) {
            return QJsonObject{{QStringLiteral("count"), 0}};
        }
        return QJsonObject{{QStringLiteral("count"), qint64(values.size())},
                           {QStringLiteral("p50_ms"), values[values.size() / 2]},
                           {QStringLiteral("p90_ms"), values[size_t(0.9 * double(values.size() - 1))]},
                           {QStringLiteral("max_ms"), values.back()}};
    };
    out.insert(QStringLiteral("search"), stats(searchMs));
    out.insert(QStringLiteral("last_key_to_results"), stats(keyToResultMs));
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}
