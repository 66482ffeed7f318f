// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace clipfind {

/// Which text tower encodes a query when a multilingual text model is paired with the CLIP model (the
/// sentence-transformers clip-ViT-B-32-multilingual-v1 student maps 50+ languages into ViT-B/32's space, so the
/// same image rows serve both). CLIP's own tower is the better one for English (the student's English is a copy
/// of it, slightly worse), the student the only usable one for everything else.
enum class TextTowerChoice {
    /// CLIP's tower for text in ASCII only (taken as English), the multilingual one for anything else. A query in
    /// another Latin-script language without accents ("plage au coucher du soleil") goes to CLIP: choose
    /// Multilingual for those.
    Auto,
    /// Always CLIP's own tower (the multilingual model is not used).
    Clip,
    /// Always the multilingual tower.
    Multilingual,
};

/// "auto", "clip", "multilingual".
QString textTowerChoiceName(TextTowerChoice choice);
/// The inverse of textTowerChoiceName(); false for anything else.
bool parseTextTowerChoice(const QString &name, TextTowerChoice *choice);

/// Whether `text` goes to the multilingual tower under `choice` (see TextTowerChoice::Auto for the rule).
bool usesMultilingualTower(TextTowerChoice choice, const QString &text);

} // namespace clipfind
