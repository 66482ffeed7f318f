// SPDX-License-Identifier: MIT
#pragma once

#include "core/text/wordpiecesettings.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <vector>

namespace clipfind {

/// BERT's WordPiece tokenizer exactly as Hugging Face's Rust `tokenizers` runs it from a tokenizer.json (what
/// transformers and sentence-transformers use): special tokens cut out of the raw text first, BertNormalizer (clean
/// text, spaces around ideographs, accent stripping and lower case as configured), BertPreTokenizer (whitespace and
/// punctuation), greedy longest-match WordPiece with the "##" prefix and one [UNK] for a word that cannot be pieced
/// or is longer than 100 characters, then [CLS] ... [SEP] truncated to the model's length. Character classes follow
/// the Rust library's Unicode 8.0 tables, not ICU's newer ones (see wordpiecenormalizer.h).
///
/// Time is linear in the text, and only the text up to the last piece kept is normalized (a 1 MB query takes
/// 10-100 ms). Immutable after creation: one instance can be used from several threads at once.
class WordPieceTokenizer
{
public:
    /// Longer texts are refused (UTF-16 code units).
    static constexpr qsizetype kMaxTextLength = 4 * 1024 * 1024;

    /// Reads the tokenizer of a model folder (readWordPieceFolder()). Null with *error (one line) on failure.
    static std::shared_ptr<const WordPieceTokenizer> load(const QString &folder, QString *error);
    /// Null with *error when the vocabulary lacks the unknown, [CLS] or [SEP] piece or the length is below 2.
    static std::shared_ptr<const WordPieceTokenizer> create(WordPieceSettings settings, WordPieceVocabulary vocabulary,
                                                            QString *error);

    ~WordPieceTokenizer();
    WordPieceTokenizer(const WordPieceTokenizer &) = delete;
    WordPieceTokenizer &operator=(const WordPieceTokenizer &) = delete;

    /// [CLS] ids [SEP], at most maxLength() ids, unpadded. Empty with *error for a text over kMaxTextLength.
    std::vector<int64_t> encode(const QString &text, QString *error = nullptr) const;
    /// encode() padded with the [PAD] id to exactly maxLength() ids, as the model fixtures show them.
    std::vector<int64_t> encodePadded(const QString &text, QString *error = nullptr) const;

    /// The vocabulary pieces of `ids` ("[CLS]", "海", "##ing", ...); "" for an id outside the vocabulary.
    QStringList pieces(const std::vector<int64_t> &ids) const;
    /// The normalized, pre-tokenized words of `text` (special tokens as words of their own), before WordPiece and
    /// without truncation. For tests and diagnostics.
    QStringList words(const QString &text) const;

    const WordPieceSettings &settings() const;
    /// Ids per text including [CLS] and [SEP].
    int maxLength() const;
    /// One more than the largest id.
    int64_t vocabularySize() const;
    int64_t padId() const;

private:
    struct Private;
    explicit WordPieceTokenizer(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace clipfind
