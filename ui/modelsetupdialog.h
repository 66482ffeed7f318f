// SPDX-License-Identifier: MIT
#pragma once

#include "core/models/modelcheck.h"
#include "core/models/modelmanifest.h"

#include <QDialog>

#include <memory>

class QButtonGroup;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QRadioButton;

namespace clipfind {

class ModelDownloader;
struct DownloadProgress;
struct DownloadResult;

/// First-run (and Settings) model choice: download a known model (ViT-B/32 by default, size, speed and what it is
/// for shown), use a file, or use a model found on disk (~/.cache/clip, ClipFind's models folder). Accepts only once
/// the chosen model is verified; downloads show progress, speed and ETA and can be cancelled. A multilingual text
/// model (a folder, paired with ViT-B/32) is not the library's model: once downloaded the dialog offers to use it
/// for queries in other languages (multilingualTextModel()) and stays open for the image model. Chinese-CLIP is a
/// full model: chosen like a CLIP model (its folder), it needs its own index. Shows and forwards; core decides.
class ModelSetupDialog : public QDialog
{
    Q_OBJECT

public:
    /// `dataDir`: ClipFind's data folder (models go to dataDir/models). Discovery starts at once in the background.
    ModelSetupDialog(const QString &dataDir, const ModelManifest &manifest, QWidget *parent = nullptr);
    ~ModelSetupDialog() override;

    /// Reads the model list (the one in dataDir/models, else the built-in one; *warning says why when the user's
    /// copy cannot be read), runs the dialog and returns the verified model, or empty when the user cancelled.
    /// *multilingualText (if given) receives the multilingual text model the user chose to use for other languages,
    /// also when the dialog was then cancelled; empty when none.
    static QString chooseModel(const QString &dataDir, QWidget *parent, QString *warning,
                               QString *multilingualText = nullptr);

    /// The verified model (file or Hugging Face folder) once the dialog was accepted; empty before.
    QString modelPath() const;
    ModelCheck modelCheck() const;
    /// The multilingual text model folder the user chose to use for queries in other languages; empty when none.
    QString multilingualTextModel() const;

    /// Replaces https://huggingface.co in download URLs; defaults to modelMirror() (setting or environment).
    void setMirror(const QString &mirror);

private:
    void startChosen();
    void startDownload();
    void verifyFile(const QString &path);
    void useVerified(const ModelCheck &check);
    void offerMultilingual(const ModelCheck &check);
    void showDiscovered();
    void onProgress(const DownloadProgress &progress);
    void onDownloadFinished(const DownloadResult &result);
    void setBusy(bool busy);
    void showError(const QString &message);
    void updateOkButton();

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace clipfind
