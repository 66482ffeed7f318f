// SPDX-License-Identifier: MIT
#pragma once

// Internal to the WordPiece tokenizer: Hugging Face's BertNormalizer and BertPreTokenizer exactly as the Rust
// `tokenizers` library runs them (normalizers/bert.rs, pre_tokenizers/bert.rs @ 3ba8ad0), on code points.
//
// The Rust side classifies characters with Unicode 8.0 tables, lowercases with a newer Unicode and decomposes with an
// older normalization table; ICU 72 is Unicode 15.0. The differences are data (wordpieceunicode_table.inc, generated
// from the reference fixture by scripts/gen_wordpiece_unicode.py) applied on top of ICU here.

#include <functional>
#include <string>
#include <string_view>

namespace clipfind::wordpiece {

/// BertNormalizer's options (its JSON names in tokenizer.json).
struct NormalizerOptions {
    bool cleanText = true;          // clean_text
    bool handleChineseChars = true; // handle_chinese_chars
    bool stripAccents = false;      // strip_accents (null in the JSON means: same as lowercase)
    bool lowercase = false;         // lowercase
};

/// Rust's char::is_whitespace (Unicode White_Space) plus \t \n \r.
bool isWhitespace(char32_t c);
/// Categories Cc, Cf, Co, Cs as the Rust tables know them (unassigned code points are not control), minus \t \n \r.
bool isControl(char32_t c);
/// BertPreTokenizer's punctuation: ASCII punctuation or a Unicode P* category as the Rust tables know them.
bool isPunctuation(char32_t c);
/// The ideograph blocks BertNormalizer surrounds with spaces (its own range list, which starts Extension E at
/// U+2B920, not U+2B820).
bool isChineseChar(char32_t c);
/// Category Mn as the Rust tables know it.
bool isNonspacingMark(char32_t c);
/// Rust's char::to_lowercase: full, context-free (no final sigma), appended to `out`.
void appendLowercase(char32_t c, std::u32string &out);

/// True when `c` separates words before normalization (whitespace that clean_text does not delete), so text can be
/// normalized one whitespace-free chunk at a time with the same result as all at once.
bool isChunkBoundary(char32_t c, const NormalizerOptions &options);

/// Appends the normalized form of `text` (no special tokens inside) to `out`: clean_text (drop NUL, U+FFFD and
/// control characters, whitespace to U+0020), spaces around ideographs, NFD without Mn when stripping accents, then
/// per-character lowercase, in that order.
void normalize(std::u32string_view text, const NormalizerOptions &options, std::u32string &out);

/// BertPreTokenizer: splits at whitespace (removed) and makes every punctuation character its own word. Calls
/// `word` for each word in order until it returns false.
void preTokenize(std::u32string_view text, const std::function<bool(std::u32string_view)> &word);

} // namespace clipfind::wordpiece
