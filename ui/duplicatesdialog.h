// SPDX-License-Identifier: MIT
#pragma once

#include "core/duplicates/duplicatefinder.h"
#include "core/duplicates/trash.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QPointer>

#include <vector>

class QLabel;
class QMessageBox;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace clipfind {

class DuplicatesModel;
class DuplicatesView;
class MessageBar;
class PhotoLibrary;
class ThumbnailLoader;

/// Find Duplicates: looks for groups of near-identical photos in the folder browsed now (PhotoLibrary::
/// findDuplicates(), with a progress bar and Cancel), then shows them group by group (DuplicatesView) with a summary
/// ("12 groups · 31 duplicates · 84.2 MB to free"). Move to Trash asks first, naming how many files and bytes, then
/// moves the marked photos to the system trash (nothing is deleted), takes them out of the groups and reports any
/// file that could not be moved in a message bar. Esc closes (and cancels a search still running).
class DuplicatesDialog : public QDialog
{
    Q_OBJECT

public:
    /// `library` must outlive the dialog.
    explicit DuplicatesDialog(PhotoLibrary *library, QWidget *parent = nullptr);
    ~DuplicatesDialog() override;

    /// Tools → Find Duplicates: raises `open` (looking again when the folder browsed changed since), or opens a new
    /// window (deleted when closed) that starts looking at once. Returns the window shown.
    static DuplicatesDialog *showFor(DuplicatesDialog *open, PhotoLibrary *library, QWidget *parent);

    /// Looks for duplicates in the library's folder browsed now (again, when called again).
    void start();
    bool isSearching() const;
    /// The folder looked in (the latest start()).
    QString folder() const { return m_folder; }

    // For tests and the screenshot tool.
    DuplicatesModel *model() const { return m_model; }
    DuplicatesView *view() const { return m_view; }
    MessageBar *messageBar() const { return m_messages; }
    QPushButton *trashButton() const { return m_trash; }
    QPushButton *cancelButton() const { return m_cancel; }
    QProgressBar *progressBar() const { return m_progress; }
    /// "12 groups · 31 duplicates · 84.2 MB to free"; empty while searching or when there is none.
    QString summary() const;
    /// What the page shows instead of the groups ("No duplicates found in Photos."); empty when the groups show.
    QString stateText() const;
    /// The confirmation Move to Trash shows, while it shows.
    QMessageBox *confirmation() const;
    /// Asks to move the marked photos to the trash (the Move to Trash button).
    void askToTrash();

Q_SIGNALS:
    /// The search ended and its outcome shows (groups, none, or why not).
    void searchFinished();
    /// Moving to the trash ended: how many files moved and how many could not be.
    void trashFinished(int moved, int failed);
    void findSimilarRequested(const QString &path);

protected:
    void done(int result) override;

private:
    void showSearchProgress();
    void showReport();
    void showPlan();
    void trashPaths(const QStringList &paths);
    void showTrashed();
    void updateSummary();
    /// The groups, or the page that says why there are none.
    void updatePage();
    void setBusy(bool busy);

    PhotoLibrary *m_library;
    ThumbnailLoader *m_thumbnails;
    DuplicatesModel *m_model = nullptr;
    DuplicatesView *m_view = nullptr;
    MessageBar *m_messages = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_summary = nullptr;
    QStackedWidget *m_pages = nullptr;
    QWidget *m_progressPage = nullptr;
    QLabel *m_progressText = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_progressNote = nullptr;
    QPushButton *m_cancel = nullptr;
    QWidget *m_statePage = nullptr;
    QLabel *m_stateText = nullptr;
    QLabel *m_stateDetail = nullptr;
    QLabel *m_hint = nullptr;
    QPushButton *m_again = nullptr;
    QPushButton *m_trash = nullptr;
    QPointer<QMessageBox> m_confirmation;

    bool m_searching = false; // from start() until its outcome shows (the watcher's finished comes later)
    QString m_folder;         // where the search looked
    qint64 m_compared = 0;    // photos it compared
    QString m_error;          // why it could not look
    bool m_indexing = false;  // indexing was running when it started: not every photo was compared
    QStringList m_toTrash;    // asked about, then being moved
    QFutureWatcher<DuplicateReport> m_search;
    QFutureWatcher<TrashPlan> m_planning;
    QFutureWatcher<std::vector<TrashOutcome>> m_trashing;
};

} // namespace clipfind
