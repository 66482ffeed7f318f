// SPDX-License-Identifier: MIT
// Why this file is long: progress, groups, keep/trash marks and the trash confirmation are one flow on one screen (the
// model: duplicatesmodel.cpp; the cards: duplicatecarddelegate.cpp).
#include "ui/duplicatesdialog.h"

#include "core/index/libraryindexer.h"
#include "core/photolibrary.h"
#include "core/thumbnails/thumbnailloader.h"
#include "ui/duplicatesmodel.h"
#include "ui/duplicatesview.h"
#include "ui/messagebar.h"

#include <QDir>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace clipfind {

namespace {

constexpr int kListedFailures = 8; // files named in the message bar when moving to the trash failed; then a count

QString dataSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

QString count(qint64 n, const QString &one, const QString &many)
{
    return n == 1 ? one : many.arg(QLocale().toString(n));
}

QString hintText()
{
    return DuplicatesDialog::tr("Click a photo's box to keep it or not · Space previews · Double-click opens");
}

QFrame *line(QWidget *parent)
{
    auto *frame = new QFrame(parent);
    frame->setFrameShape(QFrame::HLine);
    frame->setFrameShadow(QFrame::Sunken);
    return frame;
}

QLabel *centeredLabel(QWidget *parent, qreal scale, bool dim)
{
    auto *label = new QLabel(parent);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * scale);
    label->setFont(font);
    if (dim) {
        QPalette colors = label->palette();
        colors.setColor(QPalette::WindowText, colors.color(QPalette::PlaceholderText));
        label->setPalette(colors);
    }
    return label;
}

// Buttons of this window never take Enter: in the grid it opens the photo.
QPushButton *button(const QIcon &icon, const QString &text, QWidget *parent)
{
    auto *made = new QPushButton(icon, text, parent);
    made->setAutoDefault(false);
    made->setDefault(false);
    return made;
}

} // namespace

DuplicatesDialog::DuplicatesDialog(PhotoLibrary *library, QWidget *parent)
    : QDialog(parent)
    , m_library(library)
    , m_thumbnails(new ThumbnailLoader(library->thumbnailCache(), 2, this))
{
    // A loader of its own: the main window's results clear theirs whenever they change, which would strand the
    // thumbnails asked for here.
    setWindowTitle(tr("Find Duplicates"));
    setWindowFlag(Qt::WindowMaximizeButtonHint);
    setMinimumSize(640, 440);
    resize(1080, 780);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_messages = new MessageBar(this);
    layout->addWidget(m_messages);

    auto *header = new QVBoxLayout;
    header->setContentsMargins(18, 14, 18, 10);
    header->setSpacing(2);
    m_title = new QLabel(this);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_summary = new QLabel(this);
    m_summary->setAccessibleName(tr("Summary"));
    header->addWidget(m_title);
    header->addWidget(m_summary);
    layout->addLayout(header);
    layout->addWidget(line(this));

    m_pages = new QStackedWidget(this);
    layout->addWidget(m_pages, 1);

    // While searching: what it does, how far, Cancel.
    m_progressPage = new QWidget(m_pages);
    auto *progress = new QVBoxLayout(m_progressPage);
    progress->addStretch(2);
    m_progressText = centeredLabel(m_progressPage, 1.15, false);
    m_progress = new QProgressBar(m_progressPage);
    m_progress->setTextVisible(false);
    m_progress->setFixedWidth(420);
    m_progressNote = centeredLabel(m_progressPage, 1.0, true);
    m_cancel = button(QIcon::fromTheme(QStringLiteral("process-stop")), tr("Cancel"), m_progressPage);
    connect(m_cancel, &QPushButton::clicked, this, &QDialog::reject);
    progress->addWidget(m_progressText);
    progress->addSpacing(6);
    progress->addWidget(m_progress, 0, Qt::AlignHCenter);
    progress->addSpacing(6);
    progress->addWidget(m_progressNote);
    progress->addSpacing(10);
    progress->addWidget(m_cancel, 0, Qt::AlignHCenter);
    progress->addStretch(3);
    m_pages->addWidget(m_progressPage);

    // None found, none left, or why it could not look.
    m_statePage = new QWidget(m_pages);
    auto *state = new QVBoxLayout(m_statePage);
    state->addStretch(2);
    m_stateText = centeredLabel(m_statePage, 1.3, false);
    m_stateDetail = centeredLabel(m_statePage, 1.0, true);
    state->addWidget(m_stateText);
    state->addSpacing(6);
    state->addWidget(m_stateDetail);
    state->addStretch(3);
    m_pages->addWidget(m_statePage);

    m_view = new DuplicatesView(library, m_thumbnails, m_pages);
    m_view->setFrameShape(QFrame::NoFrame);
    m_model = m_view->duplicatesModel();
    m_pages->addWidget(m_view);
    connect(m_model, &DuplicatesModel::marksChanged, this, &DuplicatesDialog::updateSummary);
    connect(m_model, &DuplicatesModel::markRefused, this, [this] {
        m_messages->showMessage(tr("Each group keeps at least one photo: keep another one of this group first."),
                                MessageBar::Kind::Information);
    });
    connect(m_view, &DuplicatesView::findSimilarRequested, this, &DuplicatesDialog::findSimilarRequested);
    connect(m_view, &DuplicatesView::problem, this,
            [this](const QString &text) { m_messages->showMessage(text, MessageBar::Kind::Warning); });

    layout->addWidget(line(this));
    auto *footer = new QHBoxLayout;
    footer->setContentsMargins(18, 10, 18, 12);
    m_hint = new QLabel(hintText(), this);
    QPalette hintColors = m_hint->palette();
    hintColors.setColor(QPalette::WindowText, hintColors.color(QPalette::PlaceholderText));
    m_hint->setPalette(hintColors);
    connect(m_view, &DuplicatesView::status, this, [this](const QString &text) {
        m_hint->setText(text);
        QTimer::singleShot(4000, m_hint, [this, text] {
            if (m_hint->text() == text) {
                m_hint->setText(hintText());
            }
        });
    });
    m_again = button(QIcon::fromTheme(QStringLiteral("view-refresh")), tr("Search &Again"), this);
    m_again->setToolTip(tr("Look again, with the photos indexed since"));
    connect(m_again, &QPushButton::clicked, this, &DuplicatesDialog::start);
    m_trash = button(QIcon::fromTheme(QStringLiteral("user-trash")), tr("&Move to Trash…"), this);
    m_trash->setToolTip(tr("Move the photos marked for the trash there, after asking (they can be restored)"));
    connect(m_trash, &QPushButton::clicked, this, &DuplicatesDialog::askToTrash);
    QPushButton *close = button(QIcon::fromTheme(QStringLiteral("window-close")), tr("&Close"), this);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    footer->setSpacing(8);
    footer->addWidget(m_hint, 1);
    footer->addWidget(m_again);
    footer->addSpacing(6);
    footer->addWidget(m_trash);
    footer->addWidget(close);
    layout->addLayout(footer);

    connect(&m_search, &QFutureWatcherBase::progressRangeChanged, this, &DuplicatesDialog::showSearchProgress);
    connect(&m_search, &QFutureWatcherBase::progressValueChanged, this, &DuplicatesDialog::showSearchProgress);
    connect(&m_search, &QFutureWatcherBase::finished, this, &DuplicatesDialog::showReport);
    connect(&m_planning, &QFutureWatcherBase::finished, this, &DuplicatesDialog::showPlan);
    connect(&m_trashing, &QFutureWatcherBase::finished, this, &DuplicatesDialog::showTrashed);
}

DuplicatesDialog::~DuplicatesDialog()
{
    m_search.cancel(); // the library's search stops; what it would find is not wanted any more
}

DuplicatesDialog *DuplicatesDialog::showFor(DuplicatesDialog *open, PhotoLibrary *library, QWidget *parent)
{
    if (open) {
        if (open->folder() != library->scope()) {
            open->start(); // another folder since: look there
        }
        open->raise();
        open->activateWindow();
        return open;
    }
    auto *dialog = new DuplicatesDialog(library, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    dialog->start();
    return dialog;
}

void DuplicatesDialog::done(int result)
{
    m_search.cancel();
    QDialog::done(result);
}

bool DuplicatesDialog::isSearching() const
{
    return m_searching;
}

void DuplicatesDialog::start()
{
    m_folder = m_library->scope();
    const QString name = m_folder.isEmpty() ? QString() : QDir(m_folder).dirName();
    setWindowTitle(name.isEmpty() ? tr("Find Duplicates") : tr("Duplicates in %1 — ClipFind").arg(name));
    m_title->setText(name.isEmpty() ? tr("Duplicates") : tr("Duplicates in %1").arg(name));
    m_title->setToolTip(QDir::toNativeSeparators(m_folder));
    m_error.clear();
    m_compared = 0;
    m_indexing = m_library->indexer()->state() != LibraryIndexer::State::Idle;
    m_messages->hide();
    m_model->setGroups({});
    m_progressText->setText(tr("Looking for duplicates in %1…").arg(name));
    m_progressNote->setText(m_indexing ? tr("Indexing is not finished: the photos indexed so far are compared.")
                                       : QString());
    m_progressNote->setVisible(m_indexing);
    m_progress->setRange(0, 0);
    m_searching = true;
    m_search.setFuture(m_library->findDuplicates());
    updatePage();
    m_cancel->setFocus();
}

void DuplicatesDialog::showSearchProgress()
{
    const int total = m_search.progressMaximum();
    if (total <= 0) {
        m_progress->setRange(0, 0); // comparing the embeddings: no count to show
        return;
    }
    m_progress->setRange(0, total);
    m_progress->setValue(m_search.progressValue());
    m_progressText->setText(tr("Checking the look-alike photos: %1 of %2")
                                .arg(QLocale().toString(m_search.progressValue()), QLocale().toString(total)));
}

void DuplicatesDialog::showReport()
{
    if (m_search.isCanceled()) {
        return; // cancelled here: the window is closing
    }
    m_searching = false;
    if (m_search.future().resultCount() == 0) {
        m_error = tr("The search was stopped before it finished. Search again to see the groups.");
        updatePage();
        Q_EMIT searchFinished();
        return;
    }
    DuplicateReport report = m_search.result();
    m_error = report.error;
    m_compared = report.stats.photos;
    m_model->setGroups(std::move(report.groups), m_folder);
    QStringList notes;
    if (m_indexing && m_error.isEmpty()) {
        notes << tr("Indexing was still running: photos not indexed yet were not compared. Search again when it is "
                    "done.");
    }
    if (!report.unreadable.isEmpty()) {
        notes << (report.unreadable.size() == 1
                      ? tr("1 photo could not be checked and was left out: %1").arg(report.unreadable.first())
                      : tr("%1 photos could not be checked and were left out, such as %2")
                            .arg(QLocale().toString(report.unreadable.size()), report.unreadable.first()));
    }
    if (!notes.isEmpty()) {
        m_messages->showMessage(notes.join(QLatin1Char('\n')), MessageBar::Kind::Warning);
    }
    updatePage();
    if (m_model->rowCount() > 0) {
        m_view->setFocus(Qt::OtherFocusReason);
        m_view->scrollToTop();
        // Current (for Space, Enter and the arrows) but not selected: nothing looks picked before the user picks.
        m_view->selectionModel()->setCurrentIndex(m_model->index(0), QItemSelectionModel::NoUpdate);
    }
    Q_EMIT searchFinished();
}

void DuplicatesDialog::updatePage()
{
    const QString name = QDir(m_folder).dirName();
    if (isSearching()) {
        m_pages->setCurrentWidget(m_progressPage);
    } else if (!m_error.isEmpty()) {
        m_stateText->setText(tr("Cannot look for duplicates in %1.").arg(name));
        m_stateDetail->setText(m_error);
        m_pages->setCurrentWidget(m_statePage);
    } else if (m_model->rowCount() == 0) {
        m_stateText->setText(tr("No duplicates found in %1.").arg(name));
        m_stateDetail->setText(count(m_compared, tr("1 photo compared."), tr("%1 photos compared.")));
        m_pages->setCurrentWidget(m_statePage);
    } else {
        m_pages->setCurrentWidget(m_view);
    }
    updateSummary();
}

QMessageBox *DuplicatesDialog::confirmation() const
{
    return m_confirmation.data();
}

QString DuplicatesDialog::stateText() const
{
    if (m_pages->currentWidget() == m_progressPage) {
        return m_progressText->text();
    }
    return m_pages->currentWidget() == m_statePage ? m_stateText->text() : QString();
}

QString DuplicatesDialog::summary() const
{
    if (isSearching() || m_model->rowCount() == 0) {
        return {};
    }
    const QStringList marked = m_model->markedPaths();
    const QString groups = count(m_model->groupCount(), tr("1 group"), tr("%1 groups"));
    if (marked.isEmpty()) {
        return tr("%1 · nothing marked for the trash").arg(groups);
    }
    const QString duplicates = count(marked.size(), tr("1 duplicate"), tr("%1 duplicates"));
    return tr("%1 · %2 · %3 to free").arg(groups, duplicates, dataSize(m_model->markedBytes()));
}

void DuplicatesDialog::updateSummary()
{
    const QString text = summary();
    if (!text.isEmpty()) {
        m_summary->setText(text);
    } else if (isSearching()) {
        m_summary->setText(tr("Photos that look the same: re-saved, resized, converted, burst neighbours"));
    } else {
        m_summary->setText(m_folder);
    }
    const bool busy = isSearching() || m_planning.isRunning() || m_trashing.isRunning() || !m_confirmation.isNull();
    m_trash->setEnabled(!busy && !m_model->markedPaths().isEmpty());
    m_again->setEnabled(!busy);
}

void DuplicatesDialog::setBusy(bool busy)
{
    m_view->setEnabled(!busy);
    updateSummary();
}

void DuplicatesDialog::askToTrash()
{
    const QStringList paths = m_model->markedPaths();
    if (paths.isEmpty() || m_planning.isRunning() || m_trashing.isRunning() || !m_confirmation.isNull()) {
        return;
    }
    m_toTrash = paths;
    m_planning.setFuture(m_library->planTrash(paths)); // the files' sizes, off this thread
    setBusy(true);
}

void DuplicatesDialog::showPlan()
{
    const TrashPlan plan = m_planning.result();
    if (plan.files == 0) {
        setBusy(false);
        m_messages->showMessage(tr("The photos marked for the trash are not there any more."),
                                MessageBar::Kind::Warning);
        m_model->removePhotos(QSet<QString>(m_toTrash.begin(), m_toTrash.end()));
        updatePage();
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Question, tr("Move to Trash"), plan.question, QMessageBox::NoButton, this);
    box->setInformativeText(tr("The photos marked “Keep” stay where they are. The others can be restored from the "
                               "trash."));
    QPushButton *move = box->addButton(tr("Move to Trash"), QMessageBox::AcceptRole);
    move->setIcon(QIcon::fromTheme(QStringLiteral("user-trash")));
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(move);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, move] {
        const bool confirmed = box->clickedButton() == move;
        m_confirmation = nullptr;
        if (confirmed) {
            trashPaths(m_toTrash);
        } else {
            m_toTrash.clear();
            setBusy(false);
        }
    });
    m_confirmation = box;
    box->open(); // window-modal, without a nested event loop
}

void DuplicatesDialog::trashPaths(const QStringList &paths)
{
    m_hint->setText(tr("Moving %1 to the trash…").arg(count(paths.size(), tr("1 file"), tr("%1 files"))));
    m_trashing.setFuture(m_library->moveToTrash(paths));
    setBusy(true);
}

void DuplicatesDialog::showTrashed()
{
    const std::vector<TrashOutcome> outcomes = m_trashing.result();
    QSet<QString> moved;
    QStringList failures;
    for (const TrashOutcome &outcome : outcomes) {
        if (outcome.moved) {
            moved.insert(outcome.path);
        } else {
            failures << outcome.error;
        }
    }
    qint64 bytes = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        bytes += moved.contains(m_model->pathOfRow(row)) ? m_model->photo(row).bytes : 0;
    }
    m_toTrash.clear();
    m_model->removePhotos(moved);
    m_hint->setText(hintText());
    setBusy(false);
    const QString movedText = count(moved.size(), tr("1 file"), tr("%1 files"));
    if (failures.isEmpty()) {
        m_messages->showMessage(tr("Moved %1 (%2) to the trash.").arg(movedText, dataSize(bytes)),
                                MessageBar::Kind::Information);
    } else {
        QStringList lines;
        lines << (moved.isEmpty()
                      ? tr("Nothing could be moved to the trash; the files stay where they are:")
                      : tr("Moved %1 (%2) to the trash. These stay where they are:").arg(movedText, dataSize(bytes)));
        lines << failures.mid(0, kListedFailures);
        if (failures.size() > kListedFailures) {
            lines << tr("… and %1 more").arg(failures.size() - kListedFailures);
        }
        m_messages->showMessage(lines.join(QLatin1Char('\n')), MessageBar::Kind::Warning);
    }
    updatePage();
    if (m_model->rowCount() == 0 && m_error.isEmpty()) {
        m_stateText->setText(tr("No duplicates left in %1.").arg(QDir(m_folder).dirName()));
    }
    Q_EMIT trashFinished(int(moved.size()), int(failures.size()));
}

} // namespace clipfind
