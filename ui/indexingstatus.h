// SPDX-License-Identifier: MIT
#pragma once

#include "core/index/indexer.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace clipfind {

class LibraryIndexer;

/// The indexing part of the status bar: a progress bar with count, speed and ETA while a run goes on, pause /
/// resume and cancel buttons, the number of photos that could not be read (click to list them), and the last
/// run's summary when idle.
class IndexingStatus : public QWidget
{
    Q_OBJECT

public:
    explicit IndexingStatus(LibraryIndexer *indexer, QWidget *parent = nullptr);

    /// "1,234 of 5,000 photos · 9.8 photos/s · about 6 min left" (exposed for tests and the accessibility text).
    static QString describe(const IndexProgress &progress);
    QString text() const;
    void setFailureCount(qint64 failures);

Q_SIGNALS:
    void showFailuresRequested();

private:
    void onProgress(const IndexProgress &progress);
    void onStateChanged();
    void onRunFinished(const IndexReport &report, bool incremental);

    LibraryIndexer *m_indexer;
    QProgressBar *m_bar;
    QLabel *m_label;
    QToolButton *m_pause;
    QToolButton *m_cancel;
    QToolButton *m_failures;
};

} // namespace clipfind
