// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace clipfind {

/// The deterministic parts of ftfy.fix_text (v6 defaults) that CLIP's basic_clean applies: HTML entities
/// (ftfy's cautious rules), C1 controls as Windows-1252, Latin ligatures, character width (full-width forms,
/// U+3000), curly quotes, line breaks, terminal escapes, control characters, then NFC. Mojibake repair
/// (fix_encoding) is not ported: it only changes text that is already broken. Like ftfy, each line is fixed again
/// until it stops changing, but at most 8 times: linear time on any input; only a line escaped more than 8 times over
/// ("&amp;amp;amp;amp;amp;amp;amp;amp;lt;" is "<" escaped 9 times) keeps entities that ftfy would go on to unescape.
QString ftfyFixText(const QString &text);

/// Python's html.unescape (HTML5 named and numeric character references, with its replacement rules).
QString htmlUnescape(const QString &text);

/// openai/CLIP simple_tokenizer: whitespace_clean(basic_clean(text)).lower(), with Python's semantics
/// (regex `\s` = Unicode White_Space, str.strip, full Unicode lower case incl. final sigma).
QString clipCleanText(const QString &text);

} // namespace clipfind
