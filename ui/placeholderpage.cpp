// SPDX-License-Identifier: MIT
#include "ui/placeholderpage.h"

#include "core/download/modeldownloader.h"
#include "core/models/modelmanifest.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace clipfind {

PlaceholderPage::PlaceholderPage(QWidget *parent)
    : QWidget(parent)
    , m_text(new QLabel(this))
    , m_setupButton(new QPushButton(tr("Set up a &model…"), this))
    , m_chooseButton(new QPushButton(tr("&Choose a folder…"), this))
{
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    QFont large = m_text->font();
    large.setPointSizeF(large.pointSizeF() * 1.25);
    m_text->setFont(large);
    layout->addWidget(m_text);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_setupButton);
    buttons->addWidget(m_chooseButton);
    buttons->addStretch();
    layout->addLayout(buttons);
    layout->addStretch(3);
    connect(m_setupButton, &QPushButton::clicked, this, &PlaceholderPage::modelSetupRequested);
    connect(m_chooseButton, &QPushButton::clicked, this, &PlaceholderPage::chooseFolderRequested);
}

QString PlaceholderPage::textFor(const PlaceholderState &state)
{
    // Only when it is shown: the manifest is parsed for the default model's size.
    const auto modelNeeded = [&state] {
        const ModelManifest manifest = ModelManifest::builtIn();
        const ManifestModel *standard = manifest.defaultModel();
        QString text = tr("Download one (%1, %2), or use a checkpoint you already have, such as "
                          "<i>~/.cache/clip/ViT-B-32.pt</i>.")
                           .arg(standard ? standard->name : QStringLiteral("ViT-B/32"),
                                standard ? formatBytes(standard->downloadSize()) : QStringLiteral("about 600 MB"));
        if (!state.modelError.isEmpty()) {
            text += QStringLiteral("<br><br>") + state.modelError.toHtmlEscaped();
        }
        return text;
    };
    if (state.folder.isEmpty()) {
        QString text = tr("<b>Choose a folder of photos.</b><br>ClipFind shows them at once, newest first, and "
                          "indexes them in the background for searching.");
        if (!state.hasModel && !state.loadingModel) {
            text += QStringLiteral("<br><br>") + tr("Searching needs a CLIP model. ") + modelNeeded();
        }
        return text;
    }
    if (!state.hasQuery) {
        if (!state.listingError.isEmpty()) {
            return state.listingError.toHtmlEscaped();
        }
        if (state.photos < 0) {
            return tr("Opening %1…").arg(state.folder.toHtmlEscaped());
        }
        if (state.photos == 0) {
            return tr("<b>No photos here.</b><br>%1 holds no JPEG, PNG, WebP, GIF, BMP or TIFF files (hidden and "
                      "excluded folders are left out).")
                .arg(state.folder.toHtmlEscaped());
        }
        return {};
    }
    const QString query = QStringLiteral("“%1”").arg(state.query.trimmed().toHtmlEscaped());
    if (state.loadingModel) {
        return tr("Loading the model…<br>%1 is searched as soon as it is ready.").arg(query);
    }
    if (!state.hasModel) {
        return tr("<b>ClipFind needs a CLIP model to understand your photos.</b><br>") + modelNeeded();
    }
    if (state.rows < 0) {
        return tr("Preparing the search…<br>%1 is searched as soon as it is ready.").arg(query);
    }
    if (state.resultsPending) {
        return tr("Searching…");
    }
    if (state.results == 0) {
        if (!state.searchError.isEmpty()) {
            return state.searchError.toHtmlEscaped();
        }
        return state.rows == 0 ? tr("No photos indexed yet: indexing is under way.") : tr("No matching photos.");
    }
    return {};
}

bool PlaceholderPage::showState(const PlaceholderState &state)
{
    const QString text = textFor(state);
    m_text->setText(text);
    const bool noModel = !state.loadingModel && !state.hasModel;
    m_setupButton->setVisible(noModel && (state.folder.isEmpty() || state.hasQuery));
    m_chooseButton->setVisible(state.folder.isEmpty());
    return !text.isEmpty();
}

QString PlaceholderPage::text() const
{
    return m_text->text();
}

} // namespace clipfind
