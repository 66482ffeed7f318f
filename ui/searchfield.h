// SPDX-License-Identifier: MIT
#pragma once

#include <QLineEdit>

class QAction;

namespace clipfind {

/// The search field: what the user types is searched as they type (queryEdited), at once on Enter or when the
/// field is cleared (searchNowRequested). Esc clears it; Down or Page Down asks to move into the photos. Until
/// a model is there the field says why searching is not ready, and offers the model setup (modelSetupRequested).
class SearchField : public QLineEdit
{
    Q_OBJECT

public:
    enum class Readiness {
        Ready,
        NeedsModel,   ///< no model: "Search needs a model", with the setup action in the field
        LoadingModel, ///< typing works; the query runs when the model is ready
    };

    explicit SearchField(QWidget *parent = nullptr);

    void setReadiness(Readiness readiness);
    Readiness readiness() const { return m_readiness; }
    /// Whether the active model understands more than English (a multilingual text tower, Chinese-CLIP): the
    /// hint then gives examples in other languages too ("海边的日落"); with OpenAI's CLIP only English ones.
    void setMultilingualHint(bool multilingual);
    bool multilingualHint() const { return m_multilingual; }
    /// The "Set up a model…" button inside the field, shown while there is no model.
    QAction *modelSetupAction() const { return m_setupAction; }

    /// The query syntax in a sentence or three (rich text), for the Help menu.
    static QString syntaxHelp();

Q_SIGNALS:
    void queryEdited(const QString &text);
    void searchNowRequested(const QString &text);
    void downRequested();
    void modelSetupRequested();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    QAction *m_setupAction;
    Readiness m_readiness = Readiness::Ready;
    bool m_multilingual = false;
};

} // namespace clipfind
