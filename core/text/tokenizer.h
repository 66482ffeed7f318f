// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <vector>

namespace clipfind {

/// OpenAI CLIP's byte-level BPE tokenizer (clip/simple_tokenizer.py + clip.tokenize(truncate=True)),
/// including its text cleaning (deterministic ftfy steps, html.unescape twice, whitespace, lower case).
/// Reentrant: one instance can be used from several threads at once.
class Tokenizer
{
public:
    static constexpr int64_t kStartOfText = 49406;
    static constexpr int64_t kEndOfText = 49407;
    static constexpr int kContextLength = 77;

    /// Loads the merge table (gzip) from `path`, default the copy compiled into the binary
    /// (":/clip/bpe_simple_vocab_16e6.txt.gz"). Returns null and sets *error (when not null) on failure.
    static std::shared_ptr<const Tokenizer> load(const QString &path, QString *error);
    static std::shared_ptr<const Tokenizer> loadBuiltin(QString *error);

    ~Tokenizer();

    /// BPE ids of the cleaned text, without SOT/EOT, not truncated.
    std::vector<int64_t> encode(const QString &text) const;

    /// SOT + ids + EOT, zero-padded to `contextLength`. Over-long text keeps the first
    /// contextLength - 1 ids and puts EOT last (clip.tokenize(truncate=True)).
    std::vector<int64_t> tokenize(const QString &text, int contextLength = kContextLength) const;

    int vocabularySize() const; // 49408

private:
    Tokenizer();
    /// encode(), stopping after the piece that reaches `maxIds` ids (see tokenize()).
    std::vector<int64_t> encodeUpTo(const QString &text, size_t maxIds) const;
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace clipfind
