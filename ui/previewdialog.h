// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>
#include <QImage>

class QLabel;

namespace clipfind {

/// The large preview behind Space: the photo scaled to the dialog (decoded off the GUI thread at about screen
/// size), its name and score. Space, Esc or Enter close it; Left/Right ask for the neighbouring result.
class PreviewDialog : public QDialog
{
    Q_OBJECT

public:
    explicit PreviewDialog(QWidget *parent = nullptr);
    ~PreviewDialog() override;

    void showPhoto(const QString &path, const QString &caption);
    QString path() const { return m_path; }

Q_SIGNALS:
    void neighbourRequested(int step);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void updatePixmap();

    QLabel *m_image;
    QLabel *m_caption;
    QString m_path;
    QImage m_loaded;
    quint64 m_request = 0;
};

} // namespace clipfind
