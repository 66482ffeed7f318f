// SPDX-License-Identifier: MIT
#include "ui/modelsetupdialog.h"

#include "ui/manifesttexts.h"

#include "core/download/modeldownloader.h"
#include "core/models/modelchecker.h"
#include "core/models/modelmanifest.h"
#include "core/models/modelstore.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace clipfind {

namespace {

enum Choice { Download, UseFile, UseDiscovered };

QString sizeText(const ManifestModel &model)
{
    const qint64 size = model.downloadSize();
    if (size <= 0) {
        return ModelSetupDialog::tr("size unknown");
    }
    if (model.downloads.first().sizeApproximate) {
        return ModelSetupDialog::tr("about %1").arg(formatBytes(size));
    }
    return formatBytes(size);
}

} // namespace

struct ModelSetupDialog::Private {
    QString dataDir;
    ModelManifest manifest;
    QString mirror;
    ModelCheck chosen;

    QButtonGroup *choices = nullptr;
    QRadioButton *downloadChoice = nullptr;
    QComboBox *modelCombo = nullptr;
    QLabel *modelDetails = nullptr;
    QRadioButton *fileChoice = nullptr;
    QLineEdit *filePath = nullptr;
    QPushButton *browseButton = nullptr;
    QRadioButton *discoveredChoice = nullptr;
    QListWidget *discoveredList = nullptr;
    QLineEdit *mirrorEdit = nullptr;
    QProgressBar *progressBar = nullptr;
    QLabel *statusLabel = nullptr;
    QLabel *errorLabel = nullptr;
    QPushButton *cancelDownloadButton = nullptr;
    QLabel *multilingualLabel = nullptr;
    QPushButton *useMultilingualButton = nullptr;
    QDialogButtonBox *buttons = nullptr;
    QString offeredMultilingual; // installed, offered for other languages
    QString multilingualText;    // accepted by the user

    ModelDownloader *downloader = nullptr;
    std::unique_ptr<ModelChecker> checker; // discovery and file checks: slow file reads, off the GUI thread
    QFutureWatcher<QVector<DiscoveredModel>> discovery;
    QFutureWatcher<ModelCheck> fileCheck;
    QVector<DiscoveredModel> discovered;
    bool anyGoodDiscovered = false;
    bool busy = false; // a download or a file check is running
};

ModelSetupDialog::ModelSetupDialog(const QString &dataDir, const ModelManifest &manifest, QWidget *parent)
    : QDialog(parent)
    , d(std::make_unique<Private>())
{
    d->dataDir = dataDir;
    d->manifest = manifest;
    d->mirror = modelMirror();
    setWindowTitle(tr("Choose a CLIP model"));

    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("ClipFind needs a CLIP model to understand your photos and searches. "
                                "It is downloaded once and checked before use."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    d->choices = new QButtonGroup(this);
    d->downloadChoice = new QRadioButton(tr("&Download a model"), this);
    d->downloadChoice->setObjectName(QStringLiteral("downloadChoice"));
    d->choices->addButton(d->downloadChoice, Download);
    layout->addWidget(d->downloadChoice);
    d->modelCombo = new QComboBox(this);
    d->modelCombo->setObjectName(QStringLiteral("modelCombo"));
    for (const ManifestModel &model : manifest.models()) {
        d->modelCombo->addItem(tr("%1 (%2)").arg(model.name, sizeText(model)), model.name);
    }
    if (const ManifestModel *preferred = manifest.defaultModel()) {
        d->modelCombo->setCurrentIndex(d->modelCombo->findData(preferred->name));
    }
    d->modelDetails = new QLabel(this);
    d->modelDetails->setWordWrap(true);
    auto *downloadBox = new QVBoxLayout;
    downloadBox->setContentsMargins(24, 0, 0, 0);
    downloadBox->addWidget(d->modelCombo);
    downloadBox->addWidget(d->modelDetails);
    layout->addLayout(downloadBox);

    d->fileChoice = new QRadioButton(tr("Use a model &file"), this);
    d->fileChoice->setObjectName(QStringLiteral("fileChoice"));
    d->choices->addButton(d->fileChoice, UseFile);
    layout->addWidget(d->fileChoice);
    d->filePath = new QLineEdit(this);
    d->filePath->setObjectName(QStringLiteral("filePath"));
    d->filePath->setPlaceholderText(tr("ViT-B-32.pt, a .safetensors file or a Hugging Face folder"));
    d->browseButton = new QPushButton(tr("Browse..."), this);
    auto *fileRow = new QHBoxLayout;
    fileRow->setContentsMargins(24, 0, 0, 0);
    fileRow->addWidget(d->filePath);
    fileRow->addWidget(d->browseButton);
    layout->addLayout(fileRow);

    d->discoveredChoice = new QRadioButton(tr("Use a model found on this computer"), this);
    d->discoveredChoice->setObjectName(QStringLiteral("discoveredChoice"));
    d->choices->addButton(d->discoveredChoice, UseDiscovered);
    d->discoveredChoice->setEnabled(false);
    layout->addWidget(d->discoveredChoice);
    d->discoveredList = new QListWidget(this);
    d->discoveredList->setObjectName(QStringLiteral("discoveredList"));
    d->discoveredList->setMaximumHeight(110);
    d->discoveredList->addItem(tr("Looking for models..."));
    auto *listBox = new QVBoxLayout;
    listBox->setContentsMargins(24, 0, 0, 0);
    listBox->addWidget(d->discoveredList);
    layout->addLayout(listBox);

    auto *mirrorRow = new QHBoxLayout;
    mirrorRow->addWidget(new QLabel(tr("Download mirror:"), this));
    d->mirrorEdit = new QLineEdit(d->mirror, this);
    d->mirrorEdit->setObjectName(QStringLiteral("mirrorEdit"));
    d->mirrorEdit->setPlaceholderText(QLatin1String(kHuggingFaceBase));
    d->mirrorEdit->setToolTip(tr("Replaces %1 in download addresses, e.g. a company or regional mirror.")
                                  .arg(QLatin1String(kHuggingFaceBase)));
    mirrorRow->addWidget(d->mirrorEdit);
    layout->addLayout(mirrorRow);

    d->progressBar = new QProgressBar(this);
    d->progressBar->setObjectName(QStringLiteral("progressBar"));
    d->progressBar->setVisible(false);
    d->statusLabel = new QLabel(this);
    d->statusLabel->setObjectName(QStringLiteral("statusLabel"));
    d->cancelDownloadButton = new QPushButton(tr("Cancel download"), this);
    d->cancelDownloadButton->setObjectName(QStringLiteral("cancelDownloadButton"));
    d->cancelDownloadButton->setVisible(false);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(d->progressBar, 1);
    progressRow->addWidget(d->cancelDownloadButton);
    layout->addLayout(progressRow);
    layout->addWidget(d->statusLabel);
    d->multilingualLabel = new QLabel(this);
    d->multilingualLabel->setObjectName(QStringLiteral("multilingualLabel"));
    d->multilingualLabel->setWordWrap(true);
    d->multilingualLabel->setVisible(false);
    d->useMultilingualButton = new QPushButton(tr("&Use it for other languages"), this);
    d->useMultilingualButton->setObjectName(QStringLiteral("useMultilingualButton"));
    d->useMultilingualButton->setVisible(false);
    auto *multilingualRow = new QHBoxLayout;
    multilingualRow->addWidget(d->multilingualLabel, 1);
    multilingualRow->addWidget(d->useMultilingualButton);
    layout->addLayout(multilingualRow);
    d->errorLabel = new QLabel(this);
    d->errorLabel->setObjectName(QStringLiteral("errorLabel"));
    d->errorLabel->setWordWrap(true);
    d->errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    d->errorLabel->setStyleSheet(QStringLiteral("color: #b00020"));
    layout->addWidget(d->errorLabel);

    d->buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    d->buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("okButton"));
    layout->addWidget(d->buttons);

    d->downloadChoice->setChecked(true);
    auto showDetails = [this] {
        const ManifestModel *model = d->manifest.find(d->modelCombo->currentData().toString());
        if (!model) {
            d->modelDetails->clear();
            return;
        }
        QString text =
            tr("%1. %2. License: %3.").arg(model->title, translatedManifestText(model->speed), model->license);
        if (model->kind == ModelKind::MultilingualText) {
            text += QLatin1Char('\n')
                    + tr("For searching in other languages with %1: a text model that pairs with it, so your photos "
                         "are not indexed again. Download %1 as well.")
                          .arg(model->pairsWith);
        } else if (model->kind == ModelKind::ChineseClip) {
            text += QLatin1Char('\n')
                    + tr("A full model for searching in Chinese, with its own image tower: your photos are indexed "
                         "again with it.");
        }
        d->modelDetails->setText(text);
    };
    showDetails();

    connect(d->modelCombo, &QComboBox::currentIndexChanged, this, [this, showDetails] {
        showDetails();
        d->downloadChoice->setChecked(true);
    });
    connect(d->filePath, &QLineEdit::textEdited, this, [this] {
        d->fileChoice->setChecked(true);
        updateOkButton();
    });
    connect(d->browseButton, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Choose a CLIP model"), QString(),
                                                          tr("CLIP models (*.pt *.safetensors);;All files (*)"));
        if (!file.isEmpty()) {
            d->filePath->setText(file);
            d->fileChoice->setChecked(true);
            updateOkButton();
        }
    });
    connect(d->discoveredList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < d->discovered.size()) {
            d->discoveredChoice->setChecked(true);
        }
        updateOkButton();
    });
    connect(d->choices, &QButtonGroup::idToggled, this, [this] { updateOkButton(); });
    connect(d->useMultilingualButton, &QPushButton::clicked, this, [this] {
        d->multilingualText = d->offeredMultilingual;
        d->useMultilingualButton->setVisible(false);
        d->multilingualLabel->setText(
            tr("Queries in other languages will use %1. Now choose the image model it pairs with.")
                .arg(d->multilingualText));
    });
    connect(d->buttons, &QDialogButtonBox::accepted, this, [this] { startChosen(); });
    connect(d->buttons, &QDialogButtonBox::rejected, this, [this] {
        d->downloader->cancel(); // closing the dialog mid-download keeps nothing
        reject();
    });

    d->downloader = new ModelDownloader(manifest, this);
    connect(d->downloader, &ModelDownloader::progress, this, [this](const DownloadProgress &p) { onProgress(p); });
    connect(d->downloader, &ModelDownloader::statusChanged, d->statusLabel, &QLabel::setText);
    connect(d->downloader, &ModelDownloader::finished, this,
            [this](const DownloadResult &r) { onDownloadFinished(r); });
    connect(d->cancelDownloadButton, &QPushButton::clicked, d->downloader, &ModelDownloader::cancel);

    connect(&d->fileCheck, &QFutureWatcher<ModelCheck>::finished, this, [this] {
        setBusy(false);
        const ModelCheck check = d->fileCheck.result();
        if (check.ok) {
            useVerified(check);
        } else {
            showError(check.error);
        }
    });
    connect(&d->discovery, &QFutureWatcher<QVector<DiscoveredModel>>::finished, this, [this] { showDiscovered(); });
    d->checker = std::make_unique<ModelChecker>(d->dataDir, manifest);
    d->discovery.setFuture(d->checker->discover());
    updateOkButton();
}

ModelSetupDialog::~ModelSetupDialog()
{
    if (d->downloader->isRunning()) {
        d->downloader->cancel();
    }
    d->discovery.waitForFinished();
    d->fileCheck.waitForFinished();
}

QString ModelSetupDialog::chooseModel(const QString &dataDir, QWidget *parent, QString *warning,
                                      QString *multilingualText)
{
    ModelStore store(dataDir);
    ModelManifest manifest;
    QString error;
    if (!ModelManifest::loadEffective(store.modelsDir(), &manifest, &error) && warning) {
        *warning = tr("The model list cannot be read: %1").arg(error);
    }
    ModelSetupDialog dialog(dataDir, manifest, parent);
    const bool accepted = dialog.exec() == QDialog::Accepted;
    if (multilingualText) {
        *multilingualText = dialog.multilingualTextModel();
    }
    return accepted ? dialog.modelPath() : QString();
}

QString ModelSetupDialog::modelPath() const
{
    return d->chosen.ok ? d->chosen.path : QString();
}

ModelCheck ModelSetupDialog::modelCheck() const
{
    return d->chosen;
}

QString ModelSetupDialog::multilingualTextModel() const
{
    return d->multilingualText;
}

void ModelSetupDialog::setMirror(const QString &mirror)
{
    d->mirror = mirror;
    d->mirrorEdit->setText(mirror);
}

void ModelSetupDialog::showDiscovered()
{
    d->discovered = d->discovery.result();
    d->discoveredList->clear();
    int firstGood = -1;
    for (int i = 0; i < d->discovered.size(); ++i) {
        const DiscoveredModel &model = d->discovered[i];
        auto *item = new QListWidgetItem(tr("%1 (%2): %3").arg(model.path, model.originText(), model.check.label()),
                                         d->discoveredList);
        if (!model.check.ok || !model.check.indexesImages()) { // a paired text model is no image model
            item->setFlags(item->flags() & ~(Qt::ItemIsSelectable | Qt::ItemIsEnabled));
        } else if (firstGood < 0) {
            firstGood = i;
        }
    }
    if (d->discovered.isEmpty()) {
        d->discoveredList->addItem(tr("No models found in ~/.cache/clip or ClipFind's models folder."));
        d->discoveredList->item(0)->setFlags(Qt::NoItemFlags);
    }
    d->anyGoodDiscovered = firstGood >= 0;
    d->discoveredChoice->setEnabled(d->anyGoodDiscovered);
    if (firstGood >= 0 && d->downloadChoice->isChecked() && !d->busy) {
        // A verified model already on disk beats a download of hundreds of megabytes.
        d->discoveredList->setCurrentRow(firstGood);
        d->discoveredChoice->setChecked(true);
    }
    updateOkButton();
}

void ModelSetupDialog::updateOkButton()
{
    bool ready = true;
    switch (d->choices->checkedId()) {
    case UseFile: ready = !d->filePath->text().trimmed().isEmpty(); break;
    case UseDiscovered: {
        const int row = d->discoveredList->currentRow();
        ready = row >= 0 && row < d->discovered.size() && d->discovered[row].check.ok
                && d->discovered[row].check.indexesImages();
        break;
    }
    default: ready = d->modelCombo->count() > 0;
    }
    d->buttons->button(QDialogButtonBox::Ok)->setEnabled(ready && !d->busy);
}

void ModelSetupDialog::startChosen()
{
    d->errorLabel->clear();
    switch (d->choices->checkedId()) {
    case UseFile: verifyFile(d->filePath->text().trimmed()); return;
    case UseDiscovered: {
        const int row = d->discoveredList->currentRow();
        if (row >= 0 && row < d->discovered.size() && d->discovered[row].check.ok
            && d->discovered[row].check.indexesImages()) {
            useVerified(d->discovered[row].check);
        }
        return;
    }
    default: startDownload();
    }
}

void ModelSetupDialog::startDownload()
{
    const ManifestModel *model = d->manifest.find(d->modelCombo->currentData().toString());
    if (!model) {
        return;
    }
    const QString mirror = d->mirrorEdit->text().trimmed();
    if (mirror != d->mirror) {
        d->mirror = mirror;
        setModelMirrorSetting(mirror);
    }
    ModelStore store(d->dataDir);
    const QString installed = store.installedPath(*model);
    if (!installed.isEmpty()) {
        const ModelCheck check = store.recorded(installed);
        if (check.indexesImages()) {
            useVerified(check);
        } else {
            offerMultilingual(check);
        }
        return;
    }
    setBusy(true);
    d->progressBar->setRange(0, 0);
    d->cancelDownloadButton->setVisible(true);
    d->downloader->start(store.downloadSources(*model, mirror)); // may finish at once (no disk space)
}

void ModelSetupDialog::verifyFile(const QString &path)
{
    setBusy(true);
    d->progressBar->setRange(0, 0);
    d->statusLabel->setText(tr("Checking %1").arg(path));
    d->fileCheck.setFuture(d->checker->check(path));
}

void ModelSetupDialog::useVerified(const ModelCheck &check)
{
    d->chosen = check;
    ModelStore store(d->dataDir);
    QString error;
    if (!store.setSelectedModel(check.path, &error)) {
        showError(error);
        return;
    }
    QDialog::accept();
}

void ModelSetupDialog::onProgress(const DownloadProgress &progress)
{
    if (progress.total > 0) {
        // Per mille keeps the bar's int range safe for files of any size.
        d->progressBar->setRange(0, 1000);
        d->progressBar->setValue(int(progress.received * 1000 / progress.total));
    }
    d->statusLabel->setText(progress.text());
}

void ModelSetupDialog::onDownloadFinished(const DownloadResult &result)
{
    setBusy(false);
    if (result.cancelled) {
        d->statusLabel->setText(tr("Download cancelled; nothing was kept."));
        return;
    }
    if (!result.ok) {
        showError(result.error);
        return;
    }
    ModelStore(d->dataDir).record(result.check);
    if (!result.check.indexesImages()) {
        offerMultilingual(result.check);
        return;
    }
    useVerified(result.check);
}

void ModelSetupDialog::offerMultilingual(const ModelCheck &check)
{
    // Not the model photos are indexed with: the dialog stays open for that one.
    d->offeredMultilingual = check.path;
    const ManifestModel *model = d->manifest.find(check.manifestModel);
    const QString pairsWith = model && !model->pairsWith.isEmpty() ? model->pairsWith : QStringLiteral("ViT-B/32");
    d->multilingualLabel->setText(
        tr("%1 is installed. It searches in other languages with %2.")
            .arg(check.manifestModel.isEmpty() ? check.path : check.manifestModel, pairsWith));
    d->multilingualLabel->setVisible(true);
    d->useMultilingualButton->setVisible(d->multilingualText != check.path);
    if (const ManifestModel *partner = d->manifest.find(pairsWith)) {
        d->modelCombo->setCurrentIndex(d->modelCombo->findData(partner->name)); // the image model to choose next
    }
}

void ModelSetupDialog::setBusy(bool busy)
{
    d->busy = busy;
    d->progressBar->setVisible(busy);
    if (!busy) {
        d->cancelDownloadButton->setVisible(false);
    }
    for (QAbstractButton *button : d->choices->buttons()) {
        button->setEnabled(!busy && (button != d->discoveredChoice || d->anyGoodDiscovered));
    }
    d->modelCombo->setEnabled(!busy);
    d->filePath->setEnabled(!busy);
    d->browseButton->setEnabled(!busy);
    d->discoveredList->setEnabled(!busy);
    d->mirrorEdit->setEnabled(!busy);
    if (!busy) {
        d->statusLabel->clear();
    }
    updateOkButton();
}

void ModelSetupDialog::showError(const QString &message)
{
    d->errorLabel->setText(message);
}

} // namespace clipfind
