// SPDX-License-Identifier: MIT
#pragma once

#include "ui/appsettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace clipfind {

/// Edits a copy of the settings: model file, device (showing what is in use), the multilingual text model and
/// which queries it encodes, subfolders, excluded folders, thumbnail size. The window applies the result (reloading the
/// model or reindexing only when needed).
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    SettingsDialog(const AppSettings &settings, const QString &deviceInUse, QWidget *parent = nullptr);

    AppSettings settings() const;
    void setModelPath(const QString &path);

Q_SIGNALS:
    /// "Get a model…": the window opens the model setup and calls setModelPath with its result.
    void modelSetupRequested();

private:
    void browseModel();
    void browseModelFolder();
    void browseMultilingual();
    void addExcluded();

    AppSettings m_settings;
    QLineEdit *m_model;
    QComboBox *m_device;
    QLineEdit *m_multilingual;
    QComboBox *m_textTower;
    QCheckBox *m_subfolders;
    QListWidget *m_excluded;
    QSpinBox *m_thumbnailSize;
};

} // namespace clipfind
