// SPDX-License-Identifier: MIT
#pragma once

#include "core/decode/imagedecoder.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QImage>

class QLabel;

namespace clipfind {

class PhotoLibrary;

/// The large preview behind Space: the photo scaled to the dialog (decoded by the library off the GUI thread, with
/// the indexer's decoder, at about screen size), its name and score. Space, Esc or Enter close it; Left/Right ask
/// for the neighbouring result.
class PreviewDialog : public QDialog
{
    Q_OBJECT

public:
    /// `library` decodes the photos; it must outlive the dialog.
    explicit PreviewDialog(PhotoLibrary *library, QWidget *parent = nullptr);
    ~PreviewDialog() override;

    void showPhoto(const QString &path, const QString &caption);
    QString path() const { return m_path; }

Q_SIGNALS:
    void neighbourRequested(int step);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void showDecoded();
    void updatePixmap();

    PhotoLibrary *m_library;
    QLabel *m_image;
    QLabel *m_caption;
    QString m_path;
    QImage m_loaded;
    QFutureWatcher<DecodedImage> m_decoding; // the photo shown now; a new one replaces it, the old is not shown
};

} // namespace clipfind
