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
    : QDialog(parent)
    , m_settings(settings)
    , m_model(new QLineEdit(settings.modelPath, this))
    , m_device(new QComboBox(this))
    , m_multilingual(new QLineEdit(settings.multilingualTextModel, this))
    , m_textTower(new QComboBox(this))
    , m_subfolders(new QCheckBox(tr("Include &subfolders"), this))
    , m_excluded(new QListWidget(this))
    , m_thumbnailSize(new QSpinBox(this))
{
    setWindowTitle(tr("Settings"));
    auto *form = new QFormLayout;

    auto *modelRow = new QHBoxLayout;
    m_model->setPlaceholderText(tr("A CLIP checkpoint (ViT-B-32.pt, model.safetensors) or a Chinese-CLIP folder"));
    auto *browse = new QPushButton(tr("&Browse…"), this);
    // Hugging Face models (a CLIP or a Chinese-CLIP folder) are chosen by their folder.
    auto *browseFolder = new QPushButton(tr("&Folder…"), this);
    auto *setup = new QPushButton(tr("&Get a model…"), this);
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(browse);
    modelRow->addWidget(browseFolder);
    modelRow->addWidget(setup);
    form->addRow(tr("&Model:"), modelRow);
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::browseModel);
    connect(browseFolder, &QPushButton::clicked, this, &SettingsDialog::browseModelFolder);
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

    // The multilingual model encodes queries into the CLIP model's space: the photos are not indexed again.
    auto *multilingualRow = new QHBoxLayout;
    m_multilingual->setPlaceholderText(
        tr("Optional: a multilingual text model folder (clip-ViT-B-32-multilingual-v1)"));
    m_multilingual->setToolTip(tr("Lets you search in 50+ languages with the ViT-B/32 model; photos are not indexed "
                                  "again"));
    auto *browseMultilingual = new QPushButton(tr("B&rowse…"), this);
    multilingualRow->addWidget(m_multilingual, 1);
    multilingualRow->addWidget(browseMultilingual);
    form->addRow(tr("&Languages:"), multilingualRow);
    connect(browseMultilingual, &QPushButton::clicked, this, &SettingsDialog::browseMultilingual);
    m_textTower->addItem(tr("English with CLIP, other languages with the multilingual model"),
                         int(TextTowerChoice::Auto));
    m_textTower->addItem(tr("Every query with the multilingual model"), int(TextTowerChoice::Multilingual));
    m_textTower->addItem(tr("Every query with CLIP (English only)"), int(TextTowerChoice::Clip));
    m_textTower->setCurrentIndex(m_textTower->findData(int(settings.textTower)));
    form->addRow(tr("&Queries:"), m_textTower);

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
    s.multilingualTextModel = m_multilingual->text().trimmed();
    s.textTower = TextTowerChoice(m_textTower->currentData().toInt());
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

void SettingsDialog::browseModelFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Choose a model folder (Hugging Face CLIP or Chinese-CLIP)"), m_model->text());
    if (!folder.isEmpty()) {
        m_model->setText(folder);
    }
}

void SettingsDialog::browseMultilingual()
{
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Choose a multilingual text model folder"), m_multilingual->text());
    if (!folder.isEmpty()) {
        m_multilingual->setText(folder);
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
