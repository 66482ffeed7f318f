// SPDX-License-Identifier: MIT
// Tools → Find Duplicates in the real main window (offscreen) with the trained shapes model: the shapes fixture photos
// plus copies made here (a re-save, a half-size copy that is older than its original, a re-save and a 70 % copy of
// one photo, a PNG) form the planted groups, each listed with its original marked "Keep" and the copies marked for
// the trash; the trash confirmation names how many files and bytes (measured from the files); cancelling it moves
// nothing; a trash that cannot take them leaves every file in place and names each; confirming moves the copies into
// the trash of a temporary home and out of the folder, the groups and the browse view. Without a model the action
// says why; a subfolder without copies has none; opening, previewing and marking by mouse and keyboard.
#include "fixturedata.h"
#include "photowriters.h"
#include "testfiles.h"

#include "core/index/libraryindexer.h"
#include "core/photolibrary.h"
#include "core/thumbnails/thumbnailcache.h"
#include "ui/browseview.h"
#include "ui/duplicatecarddelegate.h"
#include "ui/duplicatesdialog.h"
#include "ui/duplicatesmodel.h"
#include "ui/duplicatesview.h"
#include "ui/mainwindow.h"
#include "ui/messagebar.h"
#include "ui/photomodel.h"
#include "ui/previewdialog.h"

#include <QAction>
#include <QDesktopServices>
#include <QDir>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

constexpr int kTimeoutMs = 60000; // QTRY waits up to 3x this: stays under the 300 s test-function watchdog

QString fixture(const QString &relative)
{
    return dataPath(QStringLiteral("shapes-clip/") + relative);
}

bool setModified(const QString &path, const QDateTime &time)
{
    QFile file(path);
    return file.open(QIODevice::ReadWrite) && file.setFileTime(time, QFileDevice::FileModificationTime);
}

QString dataSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

} // namespace

/// Stands in for the desktop's file opener.
class OpenedUrls : public QObject
{
    Q_OBJECT

public:
    QList<QUrl> urls;

public Q_SLOTS:
    void open(const QUrl &url) { urls << url; }
};

class DuplicatesDialogTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_photos;
    QString m_trash; // $XDG_DATA_HOME/Trash of the temporary home
    /// The planted groups: original file name -> the copies' paths relative to m_photos.
    QMap<QString, QStringList> m_planted;
    std::unique_ptr<ThumbnailCache> m_thumbnails;
    std::unique_ptr<MainWindow> m_window;
    OpenedUrls m_opened;

    QString path(const QString &relative) const { return m_photos + QLatin1Char('/') + relative; }

    QStringList copies() const
    {
        QStringList all;
        for (const QStringList &some : m_planted) {
            for (const QString &copy : some) {
                all << path(copy);
            }
        }
        all.sort();
        return all;
    }

    static qint64 bytesOf(const QStringList &paths)
    {
        qint64 bytes = 0;
        for (const QString &file : paths) {
            bytes += QFileInfo(file).size();
        }
        return bytes;
    }

    // Opens Find Duplicates from the menu and waits for its groups.
    DuplicatesDialog *findDuplicates()
    {
        m_window->findDuplicatesAction()->trigger();
        DuplicatesDialog *dialog = m_window->duplicatesDialog();
        if (!dialog) {
            return nullptr;
        }
        for (int waited = 0; waited < kTimeoutMs && dialog->isSearching(); waited += 20) {
            QTest::qWait(20);
        }
        return dialog->isSearching() ? nullptr : dialog;
    }

    // The groups as the model lists them: the one marked to keep first, then the others by path.
    static QList<QStringList> groupsIn(const DuplicatesModel *model)
    {
        QList<QStringList> groups;
        for (const GridSection &section : model->gridSections()) {
            QStringList paths;
            for (int row = section.first; row < section.first + section.count; ++row) {
                paths << model->pathOfRow(row);
            }
            groups << paths;
        }
        return groups;
    }

    static QRect boxOf(DuplicatesView *view, int row)
    {
        return view->cards()->toggleRect(view->visualRect(view->model()->index(row, 0)), view->font());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The trash is the freedesktop.org one of this temporary home, on the photos' volume: never the user's.
        const QString home = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/home");
        QVERIFY(QDir().mkpath(home + QStringLiteral("/.local/share")));
        qputenv("HOME", home.toUtf8());
        qputenv("XDG_DATA_HOME", (home + QStringLiteral("/.local/share")).toUtf8());
        qputenv("XDG_CACHE_HOME", m_dir.filePath(QStringLiteral("xdg-cache")).toUtf8());
        m_trash = home + QStringLiteral("/.local/share/Trash");
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("config")));

        m_photos = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        QVERIFY(QDir().mkpath(m_photos + QStringLiteral("/copies")));
        QVERIFY(QDir().mkpath(m_photos + QStringLiteral("/singles")));
        const QDir images(fixture(QStringLiteral("images")));
        const QDateTime old(QDate(2020, 5, 1), QTime(12, 0));
        const QStringList singles{QStringLiteral("img_0001.jpg"), QStringLiteral("img_0002.jpg"),
                                  QStringLiteral("img_0003.jpg"), QStringLiteral("img_0004.jpg")};
        for (const QString &name : images.entryList({QStringLiteral("*.jpg")}, QDir::Files)) {
            const QString to = singles.contains(name) ? path(QStringLiteral("singles/") + name) : path(name);
            QVERIFY(QFile::copy(images.filePath(name), to));
            QVERIFY(setModified(to, old));
        }
        const auto source = [&](const char *name) { return QImage(images.filePath(QLatin1String(name))); };
        const auto save = [&](const QString &name, const QByteArray &bytes, const QDateTime &time) {
            const QString to = path(QStringLiteral("copies/") + name);
            return !bytes.isEmpty() && writeBytes(to, bytes) && setModified(to, time);
        };
        const QDateTime later(QDate(2024, 1, 2), QTime(3, 4));
        QVERIFY(save(QStringLiteral("img_0008 q80.jpg"), encodeJpeg(source("img_0008.jpg"), 80), later));
        const QImage ten = source("img_0010.jpg");
        // Smaller but older: the larger original is still the one to keep.
        QVERIFY(save(QStringLiteral("img_0010 half.jpg"),
                     encodeJpeg(ten.scaled(ten.size() / 2, Qt::IgnoreAspectRatio, Qt::SmoothTransformation), 90),
                     old.addYears(-1)));
        QByteArray png;
        {
            QBuffer buffer(&png);
            buffer.open(QIODevice::WriteOnly);
            QVERIFY(source("img_0020.jpg").save(&buffer, "PNG"));
        }
        QVERIFY(save(QStringLiteral("img_0020.png"), png, later));
        const QImage forty = source("img_0040.jpg");
        QVERIFY(save(QStringLiteral("img_0040 q75.jpg"), encodeJpeg(forty, 75), later));
        QVERIFY(save(QStringLiteral("img_0040 small.jpg"),
                     encodeJpeg(forty.scaled(forty.size() * 0.7, Qt::IgnoreAspectRatio, Qt::SmoothTransformation), 85),
                     later));
        m_planted = {
            {QStringLiteral("img_0008.jpg"), {QStringLiteral("copies/img_0008 q80.jpg")}},
            {QStringLiteral("img_0010.jpg"), {QStringLiteral("copies/img_0010 half.jpg")}},
            {QStringLiteral("img_0020.jpg"), {QStringLiteral("copies/img_0020.png")}},
            {QStringLiteral("img_0040.jpg"),
             {QStringLiteral("copies/img_0040 q75.jpg"), QStringLiteral("copies/img_0040 small.jpg")}},
        };
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &m_opened, "open");
        m_thumbnails = std::make_unique<ThumbnailCache>(m_dir.filePath(QStringLiteral("cache")),
                                                        m_dir.filePath(QStringLiteral("own")));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
    }

    void withoutAModelTheActionSaysWhy()
    {
        MainWindow window(AppSettings{}, m_dir.filePath(QStringLiteral("data/cache.sqlite")), m_thumbnails.get());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QAction *action = window.findDuplicatesAction();
        QVERIFY(action->isEnabled());
        QVERIFY2(action->toolTip().contains(QStringLiteral("Open a folder")), qPrintable(action->toolTip()));
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
        QVERIFY(window.openFolder(m_photos));
        QVERIFY2(action->toolTip().contains(QStringLiteral("needs a CLIP model")), qPrintable(action->toolTip()));
        action->trigger();
        QVERIFY(!window.duplicatesDialog());
        QVERIFY2(window.messageBar()->text().contains(QStringLiteral("needs a CLIP model")),
                 qPrintable(window.messageBar()->text()));
    }

    void listsThePlantedGroupsWithTheOriginalsKept()
    {
        m_window = std::make_unique<MainWindow>(AppSettings{}, m_dir.filePath(QStringLiteral("data/cache.sqlite")),
                                                m_thumbnails.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy finished(m_window->library()->indexer(), &LibraryIndexer::runFinished);
        m_window->loadModel(fixture(QStringLiteral("model.pt")));
        QVERIFY(m_window->openFolder(m_photos));
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 2 * kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->library()->searchableRows(), qint64(96 + 5), kTimeoutMs);
        QVERIFY2(!m_window->findDuplicatesAction()->toolTip().contains(QStringLiteral("model")),
                 qPrintable(m_window->findDuplicatesAction()->toolTip()));

        DuplicatesDialog *dialog = findDuplicates();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->stateText(), QString()); // the groups show
        DuplicatesModel *model = dialog->model();
        QList<QStringList> expected;
        for (auto it = m_planted.cbegin(); it != m_planted.cend(); ++it) {
            QStringList group{path(it.key())};
            for (const QString &copy : it.value()) {
                group << path(copy);
            }
            std::sort(group.begin() + 1, group.end());
            expected << group;
        }
        QList<QStringList> listed = groupsIn(model);
        std::sort(listed.begin(), listed.end());
        QCOMPARE(listed, expected);
        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex index = model->index(row);
            const bool original = m_planted.contains(QFileInfo(model->pathOfRow(row)).fileName())
                                  && !model->pathOfRow(row).contains(QLatin1String("/copies/"));
            QCOMPARE(index.data(DuplicatesModel::SuggestedRole).toBool(), original);
            QCOMPARE(index.data(DuplicatesModel::MarkedRole).toBool(), !original);
            const QString pathOfRow = model->pathOfRow(row);
            const QSize size = QImage(pathOfRow).size();
            QCOMPARE(index.data(DuplicatesModel::FactsRole).toString(),
                     QStringLiteral("%1 × %2 · %3")
                         .arg(size.width())
                         .arg(size.height())
                         .arg(dataSize(QFileInfo(pathOfRow).size())));
            QVERIFY(index.data(Qt::ToolTipRole).toString().contains(QFileInfo(pathOfRow).absolutePath()));
            // The card names the folder relative to the one searched.
            QCOMPARE(index.data(DuplicatesModel::FolderRole).toString(), QFileInfo(pathOfRow).absolutePath() == m_photos
                                                                             ? QStringLiteral("photos")
                                                                             : QStringLiteral("copies"));
        }
        QCOMPARE(dialog->summary(),
                 QStringLiteral("4 groups · 5 duplicates · %1 to free").arg(dataSize(bytesOf(copies()))));
        // The cards paint, thumbnails and all, without a crash; the thumbnails arrive.
        DuplicatesView *view = dialog->view();
        const QSize photo = QImage(model->pathOfRow(0)).size();
        const QSize thumbnail =
            photo.width() > 256 || photo.height() > 256 ? photo.scaled(256, 256, Qt::KeepAspectRatio) : photo;
        QTRY_COMPARE_WITH_TIMEOUT(model->index(0).data(Qt::DecorationRole).value<QImage>().size(), thumbnail,
                                  kTimeoutMs);
        QVERIFY(!view->viewport()->grab().isNull());
    }

    void openPreviewAndMarkFromTheCards()
    {
        DuplicatesDialog *dialog = m_window->duplicatesDialog();
        QVERIFY(dialog);
        DuplicatesView *view = dialog->view();
        DuplicatesModel *model = dialog->model();
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        // Double-click opens the photo, Space previews it.
        const QRect first = view->visualRect(model->index(0));
        m_opened.urls.clear();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, first.center() - QPoint(0, first.height() / 4));
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, first.center() - QPoint(0, first.height() / 4));
        QCOMPARE(m_opened.urls, QList<QUrl>{QUrl::fromLocalFile(model->pathOfRow(0))});
        view->setFocus();
        view->setCurrentIndex(model->index(0));
        QTest::keyClick(view, Qt::Key_Space);
        auto *preview = view->findChild<PreviewDialog *>();
        QVERIFY(preview);
        QTRY_VERIFY(preview->isVisible());
        QCOMPARE(preview->path(), model->pathOfRow(0));
        QTest::keyClick(preview, Qt::Key_Space);
        QTRY_VERIFY(!preview->isVisible());

        // A click on a copy's box keeps it; on the original's box, then, marks the original; on the copy's box
        // again it is refused (nothing of the group would be left), with a note why.
        const int copy = 1;
        QVERIFY(model->isMarked(copy));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, boxOf(view, copy).center());
        QVERIFY(!model->isMarked(copy));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, boxOf(view, 0).center());
        QVERIFY(model->isMarked(0));
        int keptInGroup = 0;
        const GridSection group = model->gridSections().front();
        for (int row = group.first; row < group.first + group.count; ++row) {
            keptInGroup += model->isMarked(row) ? 0 : 1;
        }
        QCOMPARE(keptInGroup, 1); // the copy
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, boxOf(view, copy).center());
        QVERIFY(!model->isMarked(copy));
        QVERIFY(dialog->messageBar()->text().contains(QStringLiteral("at least one photo")));
        // K keeps the current photo, Delete marks it: back to the suggestion.
        view->selectionModel()->clearSelection();
        view->setCurrentIndex(model->index(0));
        view->selectionModel()->clearSelection();
        QTest::keyClick(view, Qt::Key_K);
        QVERIFY(!model->isMarked(0));
        view->setCurrentIndex(model->index(copy));
        view->selectionModel()->clearSelection();
        QTest::keyClick(view, Qt::Key_Delete);
        QVERIFY(model->isMarked(copy));
        QCOMPARE(dialog->summary(),
                 QStringLiteral("4 groups · 5 duplicates · %1 to free").arg(dataSize(bytesOf(copies()))));
    }

    void cancellingTheConfirmationMovesNothing()
    {
        DuplicatesDialog *dialog = m_window->duplicatesDialog();
        QVERIFY(dialog);
        QVERIFY(dialog->trashButton()->isEnabled());
        dialog->trashButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->confirmation() && dialog->confirmation()->isVisible(), kTimeoutMs);
        QMessageBox *box = dialog->confirmation();
        QCOMPARE(box->text(),
                 QStringLiteral("Move 5 files (%1) to the trash?")
                     .arg(QLocale::c().formattedDataSize(bytesOf(copies()), 1, QLocale::DataSizeSIFormat)));
        box->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(!dialog->confirmation());
        QTest::qWait(200);
        for (const QString &copy : copies()) {
            QVERIFY2(QFileInfo::exists(copy), qPrintable(copy));
        }
        QVERIFY(!QFileInfo::exists(m_trash + QStringLiteral("/files"))
                || QDir(m_trash + QStringLiteral("/files")).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot));
        QCOMPARE(dialog->model()->rowCount(), 4 + 5);
        QVERIFY(dialog->trashButton()->isEnabled());
    }

    void aMoveThatFailsSaysWhichAndKeepsTheFiles()
    {
        DuplicatesDialog *dialog = m_window->duplicatesDialog();
        QVERIFY(dialog);
        // A plain file where the trash's files/ folder should be: the trash cannot take anything (for any user, root
        // included, unlike a read-only folder). (Not the Trash folder itself: Qt 6.4 then falls back to files/ and
        // info/ in the current directory.)
        const QString files = m_trash + QStringLiteral("/files");
        QVERIFY(QDir().mkpath(m_trash));
        QVERIFY(writeBytes(files, QByteArray("not a folder")));
        QSignalSpy trashed(dialog, &DuplicatesDialog::trashFinished);
        dialog->trashButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->confirmation() && dialog->confirmation()->isVisible(), kTimeoutMs);
        QMessageBox *box = dialog->confirmation();
        for (QAbstractButton *button : box->buttons()) {
            if (box->buttonRole(button) == QMessageBox::AcceptRole) {
                button->click();
            }
        }
        QTRY_VERIFY_WITH_TIMEOUT(!trashed.isEmpty(), kTimeoutMs);
        QCOMPARE(trashed.first().at(0).toInt(), 0);
        QCOMPARE(trashed.first().at(1).toInt(), 5);
        for (const QString &copy : copies()) {
            QVERIFY2(QFileInfo::exists(copy), qPrintable(copy));
        }
        const QString text = dialog->messageBar()->text();
        QVERIFY2(text.startsWith(QStringLiteral("Nothing could be moved to the trash; the files stay where they are:")),
                 qPrintable(text));
        for (const QString &copy : copies()) {
            QVERIFY2(text.contains(copy + QStringLiteral(": cannot move it to the trash")), qPrintable(text));
        }
        QCOMPARE(dialog->model()->rowCount(), 4 + 5); // the groups stay as they were, marks and all
        QCOMPARE(dialog->model()->markedPaths().size(), 5);
        QVERIFY(dialog->trashButton()->isEnabled());
        QVERIFY(QFile::remove(files));
    }

    void confirmingMovesTheCopiesToTheTrash()
    {
        DuplicatesDialog *dialog = m_window->duplicatesDialog();
        QVERIFY(dialog);
        const QStringList moving = copies();
        const qint64 bytes = bytesOf(moving);
        QSignalSpy trashed(dialog, &DuplicatesDialog::trashFinished);
        dialog->trashButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->confirmation() && dialog->confirmation()->isVisible(), kTimeoutMs);
        QMessageBox *box = dialog->confirmation();
        QAbstractButton *move = nullptr;
        for (QAbstractButton *button : box->buttons()) {
            if (box->buttonRole(button) == QMessageBox::AcceptRole) {
                move = button;
            }
        }
        QVERIFY(move);
        QCOMPARE(move->text(), QStringLiteral("Move to Trash"));
        move->click();
        QTRY_VERIFY_WITH_TIMEOUT(!trashed.isEmpty(), kTimeoutMs);
        QCOMPARE(trashed.first().at(0).toInt(), 5);
        QCOMPARE(trashed.first().at(1).toInt(), 0);
        // Gone from the folder, whole in the temporary home's trash with a .trashinfo naming where it was.
        for (const QString &copy : moving) {
            QVERIFY2(!QFileInfo::exists(copy), qPrintable(copy));
            const QString inTrash = m_trash + QStringLiteral("/files/") + QFileInfo(copy).fileName();
            QVERIFY2(QFileInfo::exists(inTrash), qPrintable(inTrash));
            const QString infoFile = QFileInfo(copy).fileName() + QStringLiteral(".trashinfo");
            const QByteArray info = readBytes(m_trash + QStringLiteral("/info/") + infoFile);
            QVERIFY2(info.contains("Path="), info.constData());
        }
        for (auto it = m_planted.cbegin(); it != m_planted.cend(); ++it) {
            QVERIFY(QFileInfo::exists(path(it.key()))); // the originals stay
        }
        // Gone from the groups (every group is resolved), with a note of what moved; and from the browse view.
        QCOMPARE(dialog->model()->rowCount(), 0);
        QCOMPARE(dialog->stateText(), QStringLiteral("No duplicates left in photos."));
        QCOMPARE(dialog->messageBar()->text(), QStringLiteral("Moved 5 files (%1) to the trash.").arg(dataSize(bytes)));
        QVERIFY(!dialog->trashButton()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(m_window->browseView()->model()->rowCount(), 96, kTimeoutMs);
    }

    void aSubfolderWithoutCopiesHasNone()
    {
        // Esc closes the window; Find Duplicates then looks in the subfolder chosen in the sidebar.
        QPointer<DuplicatesDialog> dialog = m_window->duplicatesDialog();
        QVERIFY(dialog);
        QTest::keyClick(dialog->view(), Qt::Key_Escape);
        QTRY_VERIFY(!dialog);
        m_window->library()->setScope(path(QStringLiteral("singles")));
        DuplicatesDialog *singles = findDuplicates();
        QVERIFY(singles);
        QCOMPARE(singles->folder(), path(QStringLiteral("singles")));
        QCOMPARE(singles->stateText(), QStringLiteral("No duplicates found in singles."));
        QCOMPARE(singles->model()->rowCount(), 0);
        QVERIFY(!singles->trashButton()->isEnabled());
        // A search closed while it runs is cancelled and the window goes, without a crash.
        singles->start();
        QCOMPARE(singles->stateText(), QStringLiteral("Looking for duplicates in singles…"));
        QVERIFY(singles->progressBar()->isVisibleTo(singles));
        QPointer<DuplicatesDialog> closing = singles;
        singles->cancelButton()->click();
        QTRY_VERIFY(!closing);
        m_window->library()->setScope({});
    }
};

QTEST_MAIN(DuplicatesDialogTest)
#include "duplicatesdialogtest.moc"
