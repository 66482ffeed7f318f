// SPDX-License-Identifier: MIT
#include "ui/indexingstatus.h"

#include "core/index/libraryindexer.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QToolButton>

#include <cmath>

namespace clipfind {

namespace {

QString duration(double seconds)
{
    if (seconds < 90) {
        return IndexingStatus::tr("%1 s").arg(std::max(1, int(std::lround(seconds))));
    }
    if (seconds < 90 * 60) {
        return IndexingStatus::tr("%1 min").arg(int(std::lround(seconds / 60)));
    }
    return IndexingStatus::tr("%1 h %2 min").arg(int(seconds / 3600)).arg(int(std::fmod(seconds, 3600) / 60));
}

} // namespace

IndexingStatus::IndexingStatus(LibraryIndexer *indexer, QWidget *parent)
    : QWidget(parent)
    , m_indexer(indexer)
    , m_bar(new QProgressBar(this))
    , m_label(new QLabel(this))
    , m_pause(new QToolButton(this))
    , m_cancel(new QToolButton(this))
    , m_failures(new QToolButton(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_bar->setMaximumWidth(220);
    m_bar->setTextVisible(false);
    m_pause->setAutoRaise(true);
    m_cancel->setAutoRaise(true);
    m_cancel->setIcon(QIcon::fromTheme(QStringLiteral("process-stop")));
    m_cancel->setText(tr("Stop"));
    m_cancel->setToolTip(tr("Stop indexing (what is indexed stays; the next start goes on from there)"));
    m_failures->setAutoRaise(true);
    m_failures->setToolTip(tr("List the photos that could not be read, with the reasons"));
    m_failures->hide();
    layout->addWidget(m_failures);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_pause);
    layout->addWidget(m_cancel);

    connect(m_indexer, &LibraryIndexer::progressChanged, this, &IndexingStatus::onProgress);
    connect(m_indexer, &LibraryIndexer::stateChanged, this, &IndexingStatus::onStateChanged);
    connect(m_indexer, &LibraryIndexer::runFinished, this, &IndexingStatus::onRunFinished);
    connect(m_pause, &QToolButton::clicked, this, [this] {
        if (m_indexer->state() == LibraryIndexer::State::Paused) {
            m_indexer->resume();
        } else {
            m_indexer->pause();
        }
    });
    connect(m_cancel, &QToolButton::clicked, m_indexer, &LibraryIndexer::cancel);
    connect(m_failures, &QToolButton::clicked, this, &IndexingStatus::showFailuresRequested);
    onStateChanged();
}

QString IndexingStatus::describe(const IndexProgress &p)
{
    const QLocale locale;
    switch (p.phase) {
    case IndexProgress::Phase::Scanning: return tr("Looking for photos… %1 found").arg(locale.toString(p.found));
    case IndexProgress::Phase::Hashing: return tr("Checking %1 new or changed photos…").arg(locale.toString(p.total));
    case IndexProgress::Phase::Encoding: break;
    }
    QString text = tr("Indexing %1 of %2 photos").arg(locale.toString(p.done), locale.toString(p.total));
    if (p.imagesPerSecond > 0) {
        text += tr(" · %1 photos/s").arg(locale.toString(p.imagesPerSecond, 'f', 1));
    }
    if (p.etaSeconds > 0) {
        text += tr(" · about %1 left").arg(duration(p.etaSeconds));
    }
    return text;
}

QString IndexingStatus::text() const
{
    return m_label->text();
}

void IndexingStatus::setFailureCount(qint64 failures)
{
    m_failures->setVisible(failures > 0);
    m_failures->setText(tr("%1 unreadable").arg(QLocale().toString(failures)));
}

void IndexingStatus::onProgress(const IndexProgress &progress)
{
    m_label->setText(describe(progress));
    if (progress.phase == IndexProgress::Phase::Encoding && progress.total > 0) {
        m_bar->setRange(0, 1000);
        m_bar->setValue(int(1000 * progress.done / progress.total));
    } else {
        m_bar->setRange(0, 0); // busy indicator while the amount of work is not known
    }
}

void IndexingStatus::onStateChanged()
{
    const LibraryIndexer::State state = m_indexer->state();
    const bool busy = state != LibraryIndexer::State::Idle;
    m_bar->setVisible(busy);
    m_pause->setVisible(busy);
    m_cancel->setVisible(state == LibraryIndexer::State::Running || (state == LibraryIndexer::State::Paused));
    if (state == LibraryIndexer::State::Paused) {
        m_pause->setIcon(QIcon::fromTheme(QStringLiteral("media-playback-start")));
        m_pause->setText(tr("Resume"));
        m_pause->setToolTip(tr("Resume indexing"));
        m_label->setText(tr("Indexing paused"));
    } else {
        m_pause->setIcon(QIcon::fromTheme(QStringLiteral("media-playback-pause")));
        m_pause->setText(tr("Pause"));
        m_pause->setToolTip(tr("Pause indexing (searching keeps working)"));
    }
    if (state == LibraryIndexer::State::Running && m_label->text().isEmpty()) {
        m_label->setText(tr("Looking for photos…"));
        m_bar->setRange(0, 0);
    }
}

void IndexingStatus::onRunFinished(const IndexReport &report, bool incremental)
{
    const QLocale locale;
    if (!report.error.isEmpty()) {
        m_label->setText(tr("Indexing stopped: %1").arg(report.error));
    } else if (report.cancelled) {
        m_label->setText(tr("Indexing stopped; %1 photos were indexed").arg(locale.toString(report.indexed)));
    } else if (!incremental) {
        m_label->setText(tr("%1 photos up to date").arg(locale.toString(report.scanned)));
    } else if (report.indexed + report.removed + report.reused > 0) {
        m_label->setText(tr("Updated: %1 new or changed, %2 removed")
                             .arg(locale.toString(report.indexed + report.reused), locale.toString(report.removed)));
    }
}

} // namespace clipfind
