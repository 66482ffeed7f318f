// SPDX-License-Identifier: MIT
// The desktop app under the offscreen platform with the trained shapes model and its rendered photos: the
// no-model prompt, live search, opening, dragging out, Find similar, dropping an image, keyboard-only use.
#include "fixturedata.h"

#include "core/index/libraryindexer.h"
#include "core/search/livesearch.h"
#include "core/photolibrary.h"
#include "core/search/searchquery.h"
#include "core/thumbnails/thumbnailcache.h"
#include "ui/mainwindow.h"
#include "ui/messagebar.h"
#include "ui/previewdialog.h"
#include "ui/resultmodel.h"

#include <QClipboard>
#include <QDesktopServices>
#include <QImageReader>
#include <QDir>
#include <QLineEdit>
#include <QListView>
#include <QMimeData>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

constexpr int kTimeoutMs = 60000; // QTRY waits up to 3x this: stays under the 300 s test-function watchdog

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

    // The first photo of a class by file name (QHash order changes from run to run).
    QString firstOf(const QString &label) const
    {
        QStringList names = m_labelOf.keys(label);
        names.sort();
        return m_photos + QLatin1Char('/') + names.value(0);
    }

    // Types `query` into the field as a user would and waits for its results.
    bool typeQuery(const QString &query)
    {
        QLineEdit *field = m_window->searchField();
        field->clear();
        QSignalSpy shown(m_window.get(), &MainWindow::resultsShown);
        QTest::keyClicks(field, query);
        for (int waited = 0; waited < kTimeoutMs; waited += 50) {
            if (!shown.isEmpty() && m_window->resultModel()->rowCount() > 0) {
                return true;
            }
            QTest::qWait(50);
        }
        return false;
    }

    QStringList topLabels(int n) const
    {
        QStringList labels;
        for (int i = 0; i < n && i < m_window->resultModel()->rowCount(); ++i) {
            labels << labelOf(m_window->resultModel()->hit(i).path);
        }
        return labels;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("config")));
        m_photos = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        QVERIFY(QDir().mkpath(m_photos));
        const QString images = dataPath(QStringLiteral("shapes-clip/images/"));
        for (const QString &name : QDir(images).entryList(QDir::Files)) {
            QVERIFY(QFile::copy(images + name, m_photos + QLatin1Char('/') + name));
        }
        m_labelOf = readShapeLabels();
        QCOMPARE(m_labelOf.size(), 96);
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &m_opened, "open");
        m_thumbnails = std::make_unique<ThumbnailCache>(m_dir.filePath(QStringLiteral("cache")), m_dir.filePath(QStringLiteral("own")));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
    }

    void withoutAModelTheWindowOffersTheSetup()
    {
        MainWindow window(AppSettings{}, m_dir.filePath(QStringLiteral("empty.sqlite")), m_thumbnails.get());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY2(window.placeholderText().contains(QStringLiteral("needs a CLIP model")), qPrintable(window.placeholderText()));
        QVERIFY(window.modelSetupButton()->isVisibleTo(&window));
        QCOMPARE(window.focusWidget(), window.searchField()); // focused when the window is active
        // A folder chosen before a model is remembered, not indexed; the prompt stays.
        QVERIFY(window.openFolder(m_photos));
        QVERIFY(window.placeholderText().contains(QStringLiteral("needs a CLIP model")));
        // A broken model file: a clear message naming the file, still no crash and still the prompt.
        const QString broken = m_dir.filePath(QStringLiteral("broken.pt"));
        QFile file(broken);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a checkpoint");
        file.close();
        window.loadModel(broken);
        QTRY_VERIFY_WITH_TIMEOUT(window.messageBar()->text().contains(QStringLiteral("broken.pt")), kTimeoutMs);
        QVERIFY(window.placeholderText().contains(QStringLiteral("needs a CLIP model")));
        QVERIFY(window.modelSetupButton()->isVisibleTo(&window));
        // The button opens the model dialog of the model-acquisition work; closing it changes nothing.
        QString opened;
        QTimer::singleShot(0, [&opened] {
            if (QWidget *modal = QApplication::activeModalWidget()) {
                opened = QString::fromLatin1(modal->metaObject()->className());
                modal->close();
            }
        });
        window.modelSetupButton()->click();
        QCOMPARE(opened, QStringLiteral("clipfind::ModelSetupDialog"));
        QVERIFY(window.placeholderText().contains(QStringLiteral("needs a CLIP model")));
        // A folder that does not exist: a message naming it, no crash.
        QVERIFY(!window.openFolder(m_dir.filePath(QStringLiteral("no-such-folder"))));
        QVERIFY(window.messageBar()->text().contains(QStringLiteral("no-such-folder")));
    }

    void openingAFolderIndexesItAndSearchWorks()
    {
        m_window = std::make_unique<MainWindow>(AppSettings{}, m_dir.filePath(QStringLiteral("data/cache.sqlite")),
                                                m_thumbnails.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy finished(m_window->library()->indexer(), &LibraryIndexer::runFinished);
        m_window->loadModel(dataPath(QStringLiteral("shapes-clip/model.pt")));
        QVERIFY(m_window->openFolder(m_photos));
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeoutMs);
        QCOMPARE(finished.first().at(0).value<IndexReport>().indexed, 96);
        QTRY_VERIFY2_WITH_TIMEOUT(m_window->placeholderText().contains(QStringLiteral("96 photos ready")),
                                  qPrintable(m_window->placeholderText()), kTimeoutMs);
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
        QListView *view = m_window->resultView();
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
        QListView *view = m_window->resultView();
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
        QListView *view = m_window->resultView();
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
        QListView *view = m_window->resultView();
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
                                     && labelOf(m_window->resultModel()->hit(0).path) == QStringLiteral("orange square"),
                                 kTimeoutMs);
        QTest::qWait(500); // nothing older arrives afterwards
        QCOMPARE(topLabels(3), QStringList(3, QStringLiteral("orange square")));
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
        const std::shared_ptr<ClipEncoder> encoder = m_window->library()->encoder();
        QVERIFY(encoder);
        QVERIFY(encoder->isTextTowerReady());
        QVERIFY(!encoder->isImageTowerReady());
    }
};

QTEST_MAIN(MainWindowTest)
#include "mainwindowtest.moc"
