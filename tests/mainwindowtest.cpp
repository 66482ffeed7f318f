// SPDX-License-Identifier: MIT
// The desktop app under the offscreen platform with the trained shapes model and its rendered photos (in two
// subfolders): browsing without a model and the search waiting for one, the browse view by month, live search,
// Esc back to the same place in the browse view, the folder sidebar limiting both, scores and the close-match
// boundary, opening, dragging out, Find similar, dropping an image, keyboard-only use.
#include "fixturedata.h"
#include "photofiles.h"

#include "core/browse/folderbrowser.h"
#include "core/index/libraryindexer.h"
#include "core/photolibrary.h"
#include "core/search/livesearch.h"
#include "core/search/searchquery.h"
#include "core/thumbnails/thumbnailcache.h"
#include "ui/browsemodel.h"
#include "ui/browseview.h"
#include "ui/foldersidebar.h"
#include "ui/foldertreemodel.h"
#include "ui/mainwindow.h"
#include "ui/messagebar.h"
#include "ui/previewdialog.h"
#include "ui/resultmodel.h"
#include "ui/resultsview.h"
#include "ui/searchfield.h"

#include <QClipboard>
#include <QDesktopServices>
#include <QDir>
#include <QImageReader>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolTip>
#include <QTreeView>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

constexpr int kTimeoutMs = 60000; // QTRY waits up to 3x this: stays under the 300 s test-function watchdog

QStringList pathsIn(const QAbstractItemModel *model)
{
    QStringList paths;
    for (int row = 0; row < model->rowCount(); ++row) {
        paths << model->index(row, 0).data(PhotoModel::PathRole).toString();
    }
    return paths;
}

// Dark pixels (a score badge: black at two thirds over the photo) in the top half of a cell.
int darkPixels(const QImage &image, const QRect &rect)
{
    int dark = 0;
    for (int y = rect.top(); y < rect.top() + rect.height() / 2; ++y) {
        for (int x = rect.left(); x <= rect.right(); ++x) {
            dark += qGray(image.pixel(x, y)) < 60 ? 1 : 0;
        }
    }
    return dark;
}

} // namespace

/// Stands in for the desktop's file opener.
class UrlRecorder : public QObject
{
    Q_OBJECT

public:
    QList<QUrl> urls;

public Q_SLOTS:
    void open(const QUrl &url) { urls << url; }
};

class MainWindowTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_photos;
    QHash<QString, QString> m_labelOf; // file name -> "red circle"
    std::unique_ptr<ThumbnailCache> m_thumbnails;
    std::unique_ptr<MainWindow> m_window;
    UrlRecorder m_opened;

    QString labelOf(const QString &path) const { return m_labelOf.value(QFileInfo(path).fileName()); }

    // Where initTestCase put a shape photo: the circles in circles/, the squares, stars and triangles in others/.
    QString pathOf(const QString &name) const
    {
        const bool circle = m_labelOf.value(name).endsWith(QLatin1String("circle"));
        return m_photos + (circle ? QStringLiteral("/circles/") : QStringLiteral("/others/")) + name;
    }

    // The first photo of a class by file name (QHash order changes from run to run).
    QString firstOf(const QString &label) const
    {
        QStringList names = m_labelOf.keys(label);
        names.sort();
        return pathOf(names.value(0));
    }

    // Types `query` into the field as a user would and waits for its results.
    static bool typeQuery(MainWindow *window, const QString &query)
    {
        QLineEdit *field = window->searchField();
        field->clear();
        QSignalSpy shown(window, &MainWindow::resultsShown);
        QTest::keyClicks(field, query);
        for (int waited = 0; waited < kTimeoutMs; waited += 50) {
            if (!shown.isEmpty() && window->resultModel()->rowCount() > 0) {
                return true;
            }
            QTest::qWait(50);
        }
        return false;
    }
    bool typeQuery(const QString &query) { return typeQuery(m_window.get(), query); }

    QStringList topLabels(int n, MainWindow *window = nullptr) const
    {
        window = window ? window : m_window.get();
        QStringList labels;
        for (int i = 0; i < n && i < window->resultModel()->rowCount(); ++i) {
            labels << labelOf(window->resultModel()->hit(i).path);
        }
        return labels;
    }

    // Closes the modal dialog that `open` shows and says which class it was.
    static QString modalOpenedBy(const std::function<void()> &open)
    {
        QString opened;
        QTimer::singleShot(0, [&opened] {
            if (QWidget *modal = QApplication::activeModalWidget()) {
                opened = QString::fromLatin1(modal->metaObject()->className());
                modal->close();
            }
        });
        open();
        return opened;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("config")));
        m_photos = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        QVERIFY(QDir().mkpath(m_photos + QStringLiteral("/circles")));
        QVERIFY(QDir().mkpath(m_photos + QStringLiteral("/others")));
        m_labelOf = readShapeLabels();
        QCOMPARE(m_labelOf.size(), 96);
        const QString images = dataPath(QStringLiteral("shapes-clip/images/"));
        for (const QString &name : QDir(images).entryList(QDir::Files)) {
            QVERIFY(QFile::copy(images + name, pathOf(name)));
        }
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &m_opened, "open");
        m_thumbnails = std::make_unique<ThumbnailCache>(m_dir.filePath(QStringLiteral("cache")),
                                                        m_dir.filePath(QStringLiteral("own")));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
    }

    void withoutAModelThePhotosShowAndSearchWaits()
    {
        MainWindow window(AppSettings{}, m_dir.filePath(QStringLiteral("data/cache.sqlite")), m_thumbnails.get());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // Nothing yet: choose a folder; searching needs a model, which the page and the field offer.
        QVERIFY2(window.placeholderText().contains(QStringLiteral("Choose a folder")),
                 qPrintable(window.placeholderText()));
        QVERIFY(window.placeholderText().contains(QStringLiteral("needs a CLIP model")));
        QVERIFY(window.modelSetupButton()->isVisibleTo(&window));
        QCOMPARE(window.focusWidget(), window.searchField()); // focused when the window is active
        SearchField *field = window.searchField();
        QCOMPARE(field->readiness(), SearchField::Readiness::NeedsModel);
        QVERIFY2(field->placeholderText().contains(QStringLiteral("needs a model")),
                 qPrintable(field->placeholderText()));
        QVERIFY(field->modelSetupAction()->isVisible());

        // A folder: its photos show at once, without a model, and nothing is indexed.
        QVERIFY(window.openFolder(m_photos));
        BrowseView *browse = window.browseView();
        QTRY_COMPARE_WITH_TIMEOUT(browse->model()->rowCount(), 96, kTimeoutMs);
        QCOMPARE(window.currentPage(), browse);
        QCOMPARE(window.placeholderText(), QString());
        QCOMPARE(window.library()->searchableRows(), qint64(-1));
        QCOMPARE(window.library()->indexer()->state(), LibraryIndexer::State::Idle);
        QCOMPARE(field->readiness(), SearchField::Readiness::NeedsModel);
        // The sidebar counts the folders' photos.
        FolderTreeModel *folders = window.folderSidebar()->model();
        auto count = [folders](const QString &path) {
            return folders->indexOf(path).data(FolderTreeModel::PhotoCountRole).toLongLong();
        };
        QCOMPARE(count(m_photos), qint64(96));
        QCOMPARE(count(m_photos + QStringLiteral("/circles")), qint64(24));
        QCOMPARE(count(m_photos + QStringLiteral("/others")), qint64(72));

        // Open (double-click), preview (Space) and copy (Ctrl+C) work on the photos as they do on results.
        const QModelIndex first = browse->model()->index(0, 0);
        const QString firstPath = first.data(PhotoModel::PathRole).toString();
        const QRect rect = browse->visualRect(first);
        QVERIFY(rect.isValid());
        m_opened.urls.clear();
        QTest::mouseClick(browse->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(browse->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(m_opened.urls, QList<QUrl>{QUrl::fromLocalFile(firstPath)});
        browse->setFocus();
        browse->setCurrentIndex(browse->model()->index(1, 0));
        QTest::keyClick(browse, Qt::Key_Space);
        auto *preview = browse->findChild<PreviewDialog *>();
        QVERIFY(preview);
        QTRY_VERIFY(preview->isVisible());
        QCOMPARE(preview->path(), pathsIn(browse->model()).at(1));
        QTest::keyClick(preview, Qt::Key_Space);
        QTRY_VERIFY(!preview->isVisible());
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        browse->selectionModel()->select(first, QItemSelectionModel::ClearAndSelect);
        QTest::keyClick(browse, Qt::Key_C, Qt::ControlModifier);
        QVERIFY(QApplication::clipboard()->mimeData());
        QCOMPARE(QApplication::clipboard()->mimeData()->urls(), QList<QUrl>{QUrl::fromLocalFile(firstPath)});

        // The field's button opens the model dialog; closing it changes nothing.
        QCOMPARE(modalOpenedBy([field] { field->modelSetupAction()->trigger(); }),
                 QStringLiteral("clipfind::ModelSetupDialog"));
        QCOMPARE(modalOpenedBy([&window] { window.modelSetupButton()->click(); }),
                 QStringLiteral("clipfind::ModelSetupDialog"));
        // Typing says why there is no search, with the setup; Esc is back to the photos.
        QTest::keyClicks(field, QStringLiteral("a red circle"));
        QTRY_VERIFY(window.placeholderText().contains(QStringLiteral("needs a CLIP model")));
        QVERIFY(window.modelSetupButton()->isVisibleTo(&window));
        QTest::keyClick(field, Qt::Key_Escape);
        QCOMPARE(window.currentPage(), browse);

        // A broken model file: a clear message naming the file, still no crash, the photos still there.
        const QString broken = m_dir.filePath(QStringLiteral("broken.pt"));
        QVERIFY(writeBytes(broken, "not a checkpoint"));
        window.loadModel(broken);
        QTRY_VERIFY_WITH_TIMEOUT(window.messageBar()->text().contains(QStringLiteral("broken.pt")), kTimeoutMs);
        QCOMPARE(field->readiness(), SearchField::Readiness::NeedsModel);
        QCOMPARE(window.currentPage(), browse);

        // A query typed while the model loads runs by itself once the model is there and the photos are indexed.
        QSignalSpy ready(window.library(), &PhotoLibrary::encoderReady);
        QTest::keyClicks(field, QStringLiteral("a red circle"));
        window.loadModel(dataPath(QStringLiteral("shapes-clip/model.pt")));
        QCOMPARE(field->readiness(), SearchField::Readiness::LoadingModel);
        QVERIFY(field->placeholderText().contains(QStringLiteral("Loading the model")));
        QVERIFY2(window.placeholderText().contains(QStringLiteral("Loading the model")),
                 qPrintable(window.placeholderText()));
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), kTimeoutMs);
        QCOMPARE(field->readiness(), SearchField::Readiness::Ready);
        QTRY_VERIFY_WITH_TIMEOUT(topLabels(3, &window) == QStringList(3, QStringLiteral("red circle")), 2 * kTimeoutMs);
        QCOMPARE(window.currentPage(), window.resultView());
        QCOMPARE(field->text(), QStringLiteral("a red circle"));

        // A folder that does not exist: a message naming it, no crash.
        QVERIFY(!window.openFolder(m_dir.filePath(QStringLiteral("no-such-folder"))));
        QVERIFY(window.messageBar()->text().contains(QStringLiteral("no-such-folder")));
    }

    void openingAFolderShowsItsPhotosAndIndexesThem()
    {
        m_window = std::make_unique<MainWindow>(AppSettings{}, m_dir.filePath(QStringLiteral("data/cache.sqlite")),
                                                m_thumbnails.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy finished(m_window->library()->indexer(), &LibraryIndexer::runFinished);
        m_window->loadModel(dataPath(QStringLiteral("shapes-clip/model.pt")));
        QVERIFY(m_window->openFolder(m_photos));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->browseView()->model()->rowCount(), 96, kTimeoutMs);
        QCOMPARE(m_window->currentPage(), m_window->browseView());
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeoutMs);
        // The first window indexed some or all of them into the same cache; this run does the rest.
        const IndexReport report = finished.first().at(0).value<IndexReport>();
        QCOMPARE(report.scanned, qint64(96));
        QCOMPARE(report.indexed + report.unchanged + report.reused, qint64(96));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->library()->searchableRows(), qint64(96), kTimeoutMs);
        QCOMPARE(m_window->settings().lastFolder, m_photos);
    }

    void typingARedCircleShowsRedCirclesFirst()
    {
        QVERIFY(m_window);
        QVERIFY(typeQuery(QStringLiteral("a red circle")));
        QCOMPARE(m_window->placeholderText(), QString()); // the grid is shown
        QCOMPARE(topLabels(3), QStringList(3, QStringLiteral("red circle")));
        // Every class query: the model's own precision at 3 is 1.0 on these photos (eval.json).
        for (const QString &color : {QStringLiteral("blue"), QStringLiteral("green"), QStringLiteral("yellow")}) {
            for (const QString &shape : {QStringLiteral("square"), QStringLiteral("star")}) {
                QVERIFY(typeQuery(QStringLiteral("a %1 %2").arg(color, shape)));
                QCOMPARE(topLabels(3), QStringList(3, color + QLatin1Char(' ') + shape));
            }
        }
    }

    void aRefreshKeepsTheUsersPlace()
    {
        QVERIFY(typeQuery(QStringLiteral("a red circle")));
        ResultsView *view = m_window->resultView();
        ResultModel *model = m_window->resultModel();
        QScrollBar *bar = view->verticalScrollBar();
        QVERIFY(bar->maximum() > 0);
        const QString picked = model->hit(5).path;
        view->selectionModel()->select(model->index(5), QItemSelectionModel::ClearAndSelect);
        view->selectionModel()->setCurrentIndex(model->index(5), QItemSelectionModel::NoUpdate);
        bar->setValue(bar->maximum() / 2);
        const int scroll = bar->value();
        // More photos indexed: the same query runs again and its results replace the old ones.
        QSignalSpy shown(m_window.get(), &MainWindow::resultsShown);
        m_window->library()->search()->scheduleRefresh();
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeoutMs);
        QCOMPARE(bar->value(), scroll);
        const QModelIndexList selected = view->selectionModel()->selectedIndexes();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(model->pathAt(selected.first()), picked);
        QCOMPARE(model->pathAt(view->currentIndex()), picked);
        // A new query starts at the top again.
        QVERIFY(typeQuery(QStringLiteral("a blue star")));
        QCOMPARE(bar->value(), 0);
        QVERIFY(view->selectionModel()->selectedIndexes().isEmpty());
    }

    void doubleClickOpensThePhoto()
    {
        QVERIFY(typeQuery(QStringLiteral("a red circle")));
        ResultsView *view = m_window->resultView();
        const QModelIndex first = m_window->resultModel()->index(0);
        const QRect rect = view->visualRect(first);
        QVERIFY(rect.isValid());
        m_opened.urls.clear();
        // What a real double-click delivers: press, release, then the double-click event.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(m_opened.urls, QList<QUrl>{QUrl::fromLocalFile(m_window->resultModel()->hit(0).path)});
    }

    void tooltipSpaceAndCopy()
    {
        QVERIFY(typeQuery(QStringLiteral("a red circle")));
        ResultModel *model = m_window->resultModel();
        const QString first = model->hit(0).path;
        const QSize size = QImageReader(first).size();
        // The tooltip has name and score at once, dimensions and date once the thumbnail's facts are loaded.
        QVERIFY(model->data(model->index(0), Qt::ToolTipRole).toString().contains(QFileInfo(first).fileName()));
        QTRY_VERIFY_WITH_TIMEOUT(model->data(model->index(0), Qt::ToolTipRole)
                                     .toString()
                                     .contains(QStringLiteral("%1 × %2").arg(size.width()).arg(size.height())),
                                 kTimeoutMs);
        QVERIFY(model->data(model->index(0), Qt::ToolTipRole).toString().contains(QStringLiteral("Score 0.")));
        // Space on the grid shows the large preview of the current photo; Space closes it.
        ResultsView *view = m_window->resultView();
        view->setFocus();
        view->setCurrentIndex(model->index(0));
        QTest::keyClick(view, Qt::Key_Space);
        auto *preview = m_window->findChild<PreviewDialog *>();
        QVERIFY(preview);
        QTRY_VERIFY(preview->isVisible());
        QCOMPARE(preview->path(), first);
        QTest::keyClick(preview, Qt::Key_Space);
        QTRY_VERIFY(!preview->isVisible());
        m_window->activateWindow(); // the offscreen platform does not hand activation back by itself
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        // Ctrl+C on the grid copies the selected photos' paths (and URLs, for file managers).
        view->selectionModel()->select(model->index(0), QItemSelectionModel::ClearAndSelect);
        view->selectionModel()->select(model->index(1), QItemSelectionModel::Select);
        QTest::keyClick(view, Qt::Key_C, Qt::ControlModifier);
        const QMimeData *copied = QApplication::clipboard()->mimeData();
        QVERIFY(copied);
        QCOMPARE(copied->urls(), (QList<QUrl>{QUrl::fromLocalFile(first), QUrl::fromLocalFile(model->hit(1).path)}));
        QCOMPARE(copied->text(), first + QLatin1Char('\n') + model->hit(1).path);
    }

    void dragCarriesTheSelectedFiles()
    {
        QVERIFY(typeQuery(QStringLiteral("a red circle")));
        ResultsView *view = m_window->resultView();
        ResultModel *model = m_window->resultModel();
        view->selectionModel()->clear();
        for (int row : {2, 0, 1}) {
            view->selectionModel()->select(model->index(row), QItemSelectionModel::Select);
        }
        std::unique_ptr<QMimeData> mime(model->mimeData(view->selectionModel()->selectedIndexes()));
        QVERIFY(mime);
        QVERIFY(mime->hasFormat(QStringLiteral("text/uri-list")));
        const QList<QUrl> expected{QUrl::fromLocalFile(model->hit(0).path), QUrl::fromLocalFile(model->hit(1).path),
                                   QUrl::fromLocalFile(model->hit(2).path)};
        QCOMPARE(mime->urls(), expected);
        QVERIFY(!mime->hasImage()); // several files: only their URLs
        // One photo: its URL and the image itself, for image editors.
        std::unique_ptr<QMimeData> single(model->mimeData({model->index(0)}));
        QCOMPARE(single->urls(), QList<QUrl>{expected.first()});
        QVERIFY(single->hasImage());
        const QImage image = qvariant_cast<QImage>(single->imageData());
        QCOMPARE(image.size(), QImage(model->hit(0).path).size());
    }

    void findSimilarRanksTheSameClassFirst()
    {
        const QString blueSquare = firstOf(QStringLiteral("blue square"));
        QVERIFY(QFileInfo::exists(blueSquare));
        QSignalSpy shown(m_window.get(), &MainWindow::resultsShown);
        m_window->findSimilar(blueSquare);
        QCOMPARE(m_window->searchField()->text(), formatImageTerm(blueSquare)); // visible in the field
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && m_window->resultModel()->rowCount() > 0, kTimeoutMs);
        QCOMPARE(m_window->resultModel()->hit(0).path, blueSquare); // itself first, score 1
        QCOMPARE(topLabels(3), QStringList(3, QStringLiteral("blue square")));
    }

    void droppingAnImageSearchesByIt()
    {
        const QString yellowStar = firstOf(QStringLiteral("yellow star"));
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(yellowStar)});
        QSignalSpy shown(m_window.get(), &MainWindow::resultsShown);
        const QPoint center = m_window->rect().center();
        QDragEnterEvent enter(center, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_window.get(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(center, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_window.get(), &drop);
        QCOMPARE(m_window->searchField()->text(), formatImageTerm(yellowStar));
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && m_window->resultModel()->rowCount() > 0, kTimeoutMs);
        QCOMPARE(topLabels(3), QStringList(3, QStringLiteral("yellow star")));
    }

    void keyboardOnly()
    {
        MainWindow *window = m_window.get();
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window));
        window->resultView()->setFocus();
        // Ctrl+L (and Ctrl+F) go to the search field from anywhere.
        QTest::keyClick(window, Qt::Key_L, Qt::ControlModifier);
        QTRY_VERIFY(window->searchField()->hasFocus());
        // Esc clears the field.
        QTest::keyClicks(window->searchField(), QStringLiteral("xyz"));
        QTest::keyClick(window->searchField(), Qt::Key_Escape);
        QCOMPARE(window->searchField()->text(), QString());
        // Type, Enter searches at once; Down moves into the results; Enter opens the current photo.
        QSignalSpy shown(window, &MainWindow::resultsShown);
        QTest::keyClicks(window->searchField(), QStringLiteral("a green triangle"));
        QTest::keyClick(window->searchField(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && window->resultModel()->rowCount() > 0
                                     && window->resultModel()->rowCount() > 0
                                     && labelOf(window->resultModel()->hit(0).path) == QStringLiteral("green triangle"),
                                 kTimeoutMs);
        QTest::keyClick(window->searchField(), Qt::Key_Down);
        QVERIFY(window->resultView()->hasFocus());
        QTest::keyClick(window->resultView(), Qt::Key_Right); // the second result
        QCOMPARE(window->resultView()->currentIndex().row(), 1);
        m_opened.urls.clear();
        QTest::keyClick(window->resultView(), Qt::Key_Return);
        QCOMPARE(m_opened.urls, QList<QUrl>{QUrl::fromLocalFile(window->resultModel()->hit(1).path)});
        // Ctrl+Plus makes the thumbnails larger.
        const int before = window->resultView()->gridSize().width();
        QTest::keyClick(window->resultView(), Qt::Key_Plus, Qt::ControlModifier);
        QVERIFY(window->resultView()->gridSize().width() > before);
        // Esc in the results goes back to the field.
        QTest::keyClick(window->resultView(), Qt::Key_Escape);
        QVERIFY(window->searchField()->hasFocus());
    }

    void staleResultsNeverReplaceNewerOnes()
    {
        // Type a query and immediately replace it: only the last query's results may appear.
        QLineEdit *field = m_window->searchField();
        field->clear();
        QSignalSpy shown(m_window.get(), &MainWindow::resultsShown);
        QTest::keyClicks(field, QStringLiteral("a purple star"));
        field->clear();
        QTest::keyClicks(field, QStringLiteral("an orange square"));
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && m_window->resultModel()->rowCount() > 0
                                     && labelOf(m_window->resultModel()->hit(0).path)
                                            == QStringLiteral("orange square"),
                                 kTimeoutMs);
        QTest::qWait(500); // nothing older arrives afterwards
        QCOMPARE(topLabels(3), QStringList(3, QStringLiteral("orange square")));
    }

    void escReturnsToTheSamePlaceInTheBrowseView()
    {
        MainWindow *window = m_window.get();
        window->searchField()->clear();
        BrowseView *browse = window->browseView();
        QCOMPARE(window->currentPage(), browse);
        QScrollBar *bar = browse->verticalScrollBar();
        QVERIFY(bar->maximum() > 0);
        bar->setValue(bar->maximum() / 2);
        const int row = browse->topRow() + 1;
        const QString picked = pathsIn(browse->model()).at(row);
        browse->selectionModel()->select(browse->model()->index(row, 0), QItemSelectionModel::ClearAndSelect);
        browse->selectionModel()->setCurrentIndex(browse->model()->index(row, 0), QItemSelectionModel::NoUpdate);
        const int scroll = bar->value(); // the view brings the current photo into view
        // Typing switches to the ranked results...
        QVERIFY(typeQuery(QStringLiteral("a red circle")));
        QCOMPARE(window->currentPage(), window->resultView());
        QCOMPARE(topLabels(3), QStringList(3, QStringLiteral("red circle")));
        // ... and Esc in the field comes back to the photos exactly where they were left.
        QTest::keyClick(window->searchField(), Qt::Key_Escape);
        QCOMPARE(window->currentPage(), browse);
        QCOMPARE(bar->value(), scroll);
        QCOMPARE(browse->photoModel()->pathAt(browse->currentIndex()), picked);
        QCOMPARE(browse->selectedPaths(), QStringList{picked});
        // Down from the field goes into the photos, to that photo.
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window));
        window->searchField()->setFocus();
        QTest::keyClick(window->searchField(), Qt::Key_Down);
        QVERIFY(browse->hasFocus());
        QCOMPARE(browse->photoModel()->pathAt(browse->currentIndex()), picked);
        QCOMPARE(bar->value(), scroll);
    }

    void theFolderSidebarLimitsBrowsingAndSearching()
    {
        MainWindow *window = m_window.get();
        window->searchField()->clear();
        QTreeView *tree = window->folderSidebar()->treeView();
        FolderTreeModel *folders = window->folderSidebar()->model();
        const QString others = m_photos + QStringLiteral("/others");
        // Choosing a folder as the user does: a click on it.
        const QModelIndex othersIndex = folders->indexOf(others);
        QVERIFY(othersIndex.isValid());
        tree->scrollTo(othersIndex);
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualRect(othersIndex).center());
        QTRY_COMPARE_WITH_TIMEOUT(window->browseView()->model()->rowCount(), 72, kTimeoutMs);
        QCOMPARE(window->library()->scope(), others);
        for (const QString &path : pathsIn(window->browseView()->model())) {
            QVERIFY2(path.startsWith(others + QLatin1Char('/')), qPrintable(path));
        }
        // Searching sees the folder only: no circle at all among the 72 results.
        QVERIFY(typeQuery(QStringLiteral("a red circle")));
        QTRY_COMPARE_WITH_TIMEOUT(window->resultModel()->rowCount(), 72, kTimeoutMs);
        for (int i = 0; i < window->resultModel()->rowCount(); ++i) {
            const QString path = window->resultModel()->hit(i).path;
            QVERIFY2(path.startsWith(others + QLatin1Char('/')), qPrintable(path));
            QVERIFY(!labelOf(path).endsWith(QLatin1String("circle")));
        }
        // The whole folder again: everything, red circles first.
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualRect(folders->indexOf(m_photos)).center());
        QTRY_COMPARE_WITH_TIMEOUT(window->resultModel()->rowCount(), 96, kTimeoutMs);
        QCOMPARE(topLabels(3), QStringList(3, QStringLiteral("red circle")));
        QTest::keyClick(window->searchField(), Qt::Key_Escape);
        QTRY_COMPARE_WITH_TIMEOUT(window->browseView()->model()->rowCount(), 96, kTimeoutMs);
        // F9 hides the sidebar and shows it again; the choice is kept in the settings.
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window));
        QTest::keyClick(window, Qt::Key_F9);
        QVERIFY(!window->folderSidebar()->isVisible());
        QVERIFY(!window->settings().showFolders);
        QVERIFY(!AppSettings::load().showFolders);
        QTest::keyClick(window, Qt::Key_F9);
        QVERIFY(window->folderSidebar()->isVisible());
        QVERIFY(AppSettings::load().showFolders);
    }

    void scoresOnHoverAndWhereTheCloseMatchesEnd()
    {
        MainWindow *window = m_window.get();
        QVERIFY(!window->closeMatchesAction()->isChecked());
        QVERIFY(typeQuery(QStringLiteral("a red circle")));
        ResultsView *view = window->resultView();
        ResultModel *model = window->resultModel();
        QCOMPARE(model->rowCount(), 96);
        // The reference: three red circles at 0.640-0.653, then a red square at 0.394. Only Close Matches would
        // keep the three: a divider comes after them, below the first three photos.
        QCOMPARE(model->closeMatches(), 3);
        const std::vector<GridSection> sections = view->sections();
        QCOMPARE(sections.size(), size_t(2));
        QCOMPARE(sections[1].first, 3);
        QCOMPARE(sections[1].kind, GridSection::Kind::Divider);
        const QRect divider = view->sectionHeaderRect(1);
        QVERIFY(view->visualRect(model->index(2)).bottom() < divider.top());
        QVERIFY(divider.bottom() < view->visualRect(model->index(3)).top());
        QVERIFY(model->data(model->index(2), PhotoModel::CloseMatchRole).toBool());
        QVERIFY(!model->data(model->index(3), PhotoModel::CloseMatchRole).toBool());
        // The score of each result: in its tooltip...
        QVERIFY(model->data(model->index(0), Qt::ToolTipRole).toString().contains(QStringLiteral("Score 0.6")));
        QVERIFY(model->data(model->index(3), Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("below the close matches")));
        const QPoint center = view->visualRect(model->index(0)).center();
        QHelpEvent help(QEvent::ToolTip, center, view->viewport()->mapToGlobal(center));
        QApplication::sendEvent(view->viewport(), &help);
        QTRY_VERIFY(QToolTip::text().contains(QStringLiteral("Score 0.6")));
        QToolTip::hideText();
        // ... and in a badge on the photo under the pointer.
        const QRect cell = view->visualRect(model->index(0));
        const int before = darkPixels(view->viewport()->grab().toImage(), cell);
        QHoverEvent hover(QEvent::HoverMove, center, view->viewport()->mapToGlobal(center), QPointF(-1, -1));
        QApplication::sendEvent(view->viewport(), &hover);
        const int during = darkPixels(view->viewport()->grab().toImage(), cell);
        QVERIFY2(during > before + 100, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(during)));
        QHoverEvent leave(QEvent::HoverLeave, QPointF(-1, -1), QPointF(-1, -1), center);
        QApplication::sendEvent(view->viewport(), &leave);

        // Only Close Matches cuts there.
        QSignalSpy shown(window, &MainWindow::resultsShown);
        window->closeMatchesAction()->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && model->rowCount() == 3, kTimeoutMs);
        QCOMPARE(view->sections().size(), size_t(1));
        QCOMPARE(view->sections().front().kind, GridSection::Kind::Plain);
        // Newest first without the cut: the close ones are scattered, the others dimmed (no divider).
        window->closeMatchesAction()->setChecked(false);
        shown.clear();
        window->sortByDateAction()->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && model->rowCount() == 96, kTimeoutMs);
        QCOMPARE(view->sections().size(), size_t(1));
        int close = 0;
        for (int row = 0; row < model->rowCount(); ++row) {
            close += model->data(model->index(row), PhotoModel::CloseMatchRole).toBool() ? 1 : 0;
        }
        QCOMPARE(close, 3);
        window->sortByDateAction()->setChecked(false);
        QTest::keyClick(window->searchField(), Qt::Key_Escape);
    }

    void browsingShowsNewestFirstByMonth()
    {
        // Dates from EXIF where a photo has one, else from the file: a.jpg was taken in November 2024 and written
        // in 2026; b, c and d only have file times; e is taken in June 2023.
        const QString root = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/dated");
        QVERIFY(QDir().mkpath(root + QStringLiteral("/sub/deeper")));
        const QByteArray jpeg = readBytes(dataPath(QStringLiteral("images/gray_800x600.jpg")));
        auto local = [](int year, int month, int day) { return QDateTime(QDate(year, month, day), QTime(12, 0)); };
        QVERIFY(writeJpegTakenAt(root + QStringLiteral("/a.jpg"), jpeg, "2024:11:20 10:00:00"));
        QVERIFY(setModificationTime(root + QStringLiteral("/a.jpg"), local(2026, 1, 5)));
        QVERIFY(writeBytes(root + QStringLiteral("/b.jpg"), jpeg));
        QVERIFY(setModificationTime(root + QStringLiteral("/b.jpg"), local(2025, 3, 10)));
        QVERIFY(QFile::copy(dataPath(QStringLiteral("images/small_120x90.png")), root + QStringLiteral("/c.png")));
        QVERIFY(setModificationTime(root + QStringLiteral("/c.png"), local(2024, 11, 2)));
        QVERIFY(writeBytes(root + QStringLiteral("/sub/d.jpg"), jpeg));
        QVERIFY(setModificationTime(root + QStringLiteral("/sub/d.jpg"), local(2025, 3, 1)));
        QVERIFY(writeJpegTakenAt(root + QStringLiteral("/sub/deeper/e.jpg"), jpeg, "2023:06:01 08:30:00"));

        AppSettings settings;
        settings.thumbnailSize = AppSettings::kMaxThumbnail;
        MainWindow window(settings, m_dir.filePath(QStringLiteral("dated-data/cache.sqlite")), m_thumbnails.get());
        window.resize(900, 520);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openFolder(root));
        BrowseView *browse = window.browseView();
        QTRY_COMPARE_WITH_TIMEOUT(browse->model()->rowCount(), 5, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(window.library()->browser()->listing()->datesComplete, kTimeoutMs);
        QStringList names;
        for (const QString &path : pathsIn(browse->model())) {
            names << QFileInfo(path).fileName();
        }
        QCOMPARE(names, (QStringList{QStringLiteral("b.jpg"), QStringLiteral("d.jpg"), QStringLiteral("a.jpg"),
                                     QStringLiteral("c.png"), QStringLiteral("e.jpg")}));
        // Month sections with headers, as the grid lays them out.
        const std::vector<GridSection> sections = browse->sections();
        QCOMPARE(sections.size(), size_t(3));
        const QStringList titles{BrowseModel::monthTitle(2025, 3), BrowseModel::monthTitle(2024, 11),
                                 BrowseModel::monthTitle(2023, 6)};
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(sections[size_t(i)].kind, GridSection::Kind::Header);
            QCOMPARE(sections[size_t(i)].title, titles[i]);
        }
        QCOMPARE(sections[0].count, 2);
        QCOMPARE(sections[0].detail, QStringLiteral("2 photos"));
        QCOMPARE(browse->model()->index(4, 0).data(BrowseModel::SectionTitleRole).toString(), titles[2]);
        // Each header sits above its photos.
        QVERIFY(browse->sectionHeaderRect(1).bottom() < browse->visualRect(browse->model()->index(2, 0)).top());
        QVERIFY(browse->visualRect(browse->model()->index(1, 0)).bottom() < browse->sectionHeaderRect(1).top());
        // Scrolled into November, its header stays at the top over the photos: painted on the background color,
        // with the title's text in it.
        QScrollBar *bar = browse->verticalScrollBar();
        bar->setValue(browse->sectionHeaderRect(1).top() + bar->value() + 60);
        QCOMPARE(browse->stickySection(), 1);
        const QImage shot = browse->viewport()->grab().toImage();
        const int headerHeight = browse->sectionHeaderRect(1).height();
        QCOMPARE(shot.pixelColor(shot.width() - 30, 3), browse->palette().color(QPalette::Base));
        int text = 0;
        for (int y = 0; y < headerHeight; ++y) {
            for (int x = 0; x < 200; ++x) {
                text += shot.pixelColor(x, y).lightness() < 100 ? 1 : 0;
            }
        }
        QVERIFY2(text > 20, qPrintable(QString::number(text)));
        QVERIFY(!browse->indexAt(QPoint(40, headerHeight / 2)).isValid()); // the header, not the photo under it
        // The sidebar: every folder with photos, counting what is below it.
        FolderTreeModel *folders = window.folderSidebar()->model();
        auto count = [folders](const QString &path) {
            return folders->indexOf(path).data(FolderTreeModel::PhotoCountRole).toLongLong();
        };
        QCOMPARE(count(root), qint64(5));
        QCOMPARE(count(root + QStringLiteral("/sub")), qint64(2));
        QCOMPARE(count(root + QStringLiteral("/sub/deeper")), qint64(1));
    }

    // Issue 12: a later launch on the folder indexed above, the query typed as the window shows (before the model
    // is ready): the right photos come, and with nothing to encode the image tower is never built.
    void aLaunchWithAQueryTypedAtOnce()
    {
        m_window = std::make_unique<MainWindow>(AppSettings{}, m_dir.filePath(QStringLiteral("data/cache.sqlite")),
                                                m_thumbnails.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy finished(m_window->library()->indexer(), &LibraryIndexer::runFinished);
        m_window->loadModel(dataPath(QStringLiteral("shapes-clip/model.pt")));
        QVERIFY(m_window->openFolder(m_photos));
        QVERIFY(typeQuery(QStringLiteral("a red circle")));
        QCOMPARE(topLabels(3), QStringList(3, QStringLiteral("red circle")));
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeoutMs);
        const IndexReport report = finished.first().at(0).value<IndexReport>();
        QCOMPARE(report.unchanged, 96);
        QCOMPARE(report.indexed, 0);
        const std::shared_ptr<PhotoEncoder> encoder = m_window->library()->encoder();
        QVERIFY(encoder);
        QVERIFY(encoder->isTextTowerReady());
        QVERIFY(!encoder->isImageTowerReady());
    }
};

QTEST_MAIN(MainWindowTest)
#include "mainwindowtest.moc"
