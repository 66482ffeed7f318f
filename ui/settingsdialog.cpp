// SPDX-License-Identifier: MIT
#include "ui/settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace clipfind {

SettingsDialog::SettingsDialog(const AppSettings &settings, const QString &deviceInUse, QWidget *parent)
    : QDialog(parent),
      m_settings(settings),
      m_model(new QLineEdit(settings.modelPath, this)),
      m_device(new QComboBox(this)),
      m_subfolders(new QCheckBox(tr("Include &subfolders"), this)),
      m_excluded(new QListWidget(this)),
      m_thumbnailSize(new QSpinBox(this))
{
    setWindowTitle(tr("Settings"));
    auto *form = new QFormLayout;

    auto *modelRow = new QHBoxLayout;
    m_model->setPlaceholderText(tr("A CLIP checkpoint: ViT-B-32.pt or model.safetensors"));
    auto *browse = new QPushButton(tr("&Browse…"), this);
    auto *setup = new QPushButton(tr("&Get a model…"), this);
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(browse);
    modelRow->addWidget(setup);
    form->addRow(tr("&Model:"), modelRow);
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::browseModel);
    connect(setup, &QPushButton::clicked, this, &SettingsDialog::modelSetupRequested);

    m_device->addItem(tr("Automatic (GPU when available)"), int(AppSettings::Device::Auto));
    m_device->addItem(tr("CPU"), int(AppSettings::Device::Cpu));
    m_device->addItem(tr("GPU (CUDA)"), int(AppSettings::Device::Gpu));
    m_device->setCurrentIndex(m_device->findData(int(settings.device)));
    auto *deviceRow = new QVBoxLayout;
    deviceRow->addWidget(m_device);
    auto *inUse = new QLabel(deviceInUse.isEmpty() ? tr("No model loaded") : tr("In use: %1").arg(deviceInUse), this);
    inUse->setEnabled(false);
    deviceRow->addWidget(inUse);
    form->addRow(tr("&Device:"), deviceRow);

    m_subfolders->setChecked(settings.includeSubfolders);
    form->addRow(QString(), m_subfolders);

    m_excluded->addItems(settings.excludedFolders);
    m_excluded->setMaximumHeight(110);
    auto *excludedButtons = new QHBoxLayout;
    auto *add = new QPushButton(tr("&Add…"), this);
    auto *remove = new QPushButton(tr("&Remove"), this);
    excludedButtons->addWidget(add);
    excludedButtons->addWidget(remove);
    excludedButtons->addStretch();
    auto *excludedColumn = new QVBoxLayout;
    excludedColumn->addWidget(m_excluded);
    excludedColumn->addLayout(excludedButtons);
    form->addRow(tr("&Excluded folders:"), excludedColumn);
    connect(add, &QPushButton::clicked, this, &SettingsDialog::addExcluded);
    connect(remove, &QPushButton::clicked, this, [this] { qDeleteAll(m_excluded->selectedItems()); });

    m_thumbnailSize->setRange(AppSettings::kMinThumbnail, AppSettings::kMaxThumbnail);
    m_thumbnailSize->setSingleStep(16);
    m_thumbnailSize->setSuffix(tr(" px"));
    m_thumbnailSize->setValue(settings.thumbnailSize);
    form->addRow(tr("&Thumbnail size:"), m_thumbnailSize);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(680, sizeHint().height());
}

AppSettings SettingsDialog::settings() const
{
    AppSettings s = m_settings;
    s.modelPath = m_model->text().trimmed();
    s.device = AppSettings::Device(m_device->currentData().toInt());
    s.includeSubfolders = m_subfolders->isChecked();
    s.excludedFolders.clear();
    for (int i = 0; i < m_excluded->count(); ++i) {
        s.excludedFolders << m_excluded->item(i)->text();
    }
    s.thumbnailSize = m_thumbnailSize->value();
    return s;
}

void SettingsDialog::setModelPath(const QString &path)
{
    m_model->setText(path);
}

void SettingsDialog::browseModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a CLIP checkpoint"), m_model->text(),
                                                      tr("CLIP checkpoints (*.pt *.safetensors *.bin);;All files (*)"));
    if (!path.isEmpty()) {
        m_model->setText(path);
    }
}

void SettingsDialog::addExcluded()
{
    bool ok = false;
    const QString pattern = QInputDialog::getText(this, tr("Exclude folders"),
                                                  tr("Folder name or pattern (for example raw or */exports/*):"),
                                                  QLineEdit::Normal, QString(), &ok)
                                .trimmed();
    if (ok && !pattern.isEmpty()) {
        m_excluded->addItem(pattern);
    }
}

} // namespace clipfind
