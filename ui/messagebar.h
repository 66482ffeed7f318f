// SPDX-License-Identifier: MIT
#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace clipfind {

/// A non-blocking message above the results (like KMessageWidget): errors such as an unreadable folder, a
/// broken model or a full disk are shown here instead of in modal boxes, and stay until closed or replaced.
class MessageBar : public QFrame
{
    Q_OBJECT

public:
    enum class Kind { Information, Warning, Error };

    explicit MessageBar(QWidget *parent = nullptr);

    void showMessage(const QString &text, Kind kind);
    QString text() const;
    Kind kind() const { return m_kind; }

private:
    QLabel *m_label;
    QToolButton *m_close;
    Kind m_kind = Kind::Information;
};

} // namespace clipfind
