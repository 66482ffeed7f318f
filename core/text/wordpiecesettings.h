// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace clipfind {

/// How a BERT WordPiece tokenizer is configured: what Hugging Face's tokenizer.json (BertNormalizer,
/// BertPreTokenizer, WordPiece, [CLS] ... [SEP] template, truncation) or tokenizer_config.json + vocab.txt say.
struct WordPieceSettings {
    // BertNormalizer
    bool cleanText = true;
    bool handleChineseChars = true;
    bool stripAccents = false;
    bool lowercase = false;
    /// sentence-transformers' do_lower_case: Python str.lower() of the whole text before the tokenizer runs.
    bool lowercaseInputFirst = false;

    // WordPiece
    std::string unkToken = "[UNK]";
    std::string continuingSubwordPrefix = "##";
    int maxInputCharsPerWord = 100;

    // Post-processing: [CLS] pieces [SEP], truncated to maxLength ids, padded with padToken.
    std::string clsToken = "[CLS]";
    std::string sepToken = "[SEP]";
    std::string padToken = "[PAD]";
    int maxLength = 512;

    /// Strings cut out of the raw text before anything else, with their ids (tokenizer.json added_tokens,
    /// else the special tokens of tokenizer_config.json). Matched case-sensitively, leftmost-longest.
    std::vector<std::pair<std::string, int64_t>> specialTokens;
};

/// A WordPiece vocabulary: piece (UTF-8) to id, and id to piece.
struct WordPieceVocabulary {
    std::unordered_map<std::string, int64_t> ids;
    std::vector<std::string> pieces; // by id; empty where no piece has that id
};

/// Limits on files read from a model folder (untrusted input).
inline constexpr int64_t kMaxTokenizerFileBytes = 64 * 1024 * 1024;
inline constexpr int64_t kMaxVocabularySize = 2'000'000;
inline constexpr int kMaxPieceBytes = 1024;

/// Reads the tokenizer of a model folder: sentence-transformers (modules.json names the Transformer module's folder,
/// whose sentence_bert_config.json gives max_seq_length) or Hugging Face (tokenizer.json, else tokenizer_config.json +
/// vocab.txt). The maximum length is, in order: max_seq_length, 52 for a Chinese-CLIP config.json (cn_clip's context
/// length), tokenizer.json's truncation, tokenizer_config.json's model_max_length, config.json's
/// max_position_embeddings, 512; never more than max_position_embeddings. Returns false with *error naming the file
/// and the problem (one line).
bool readWordPieceFolder(const QString &folder, WordPieceSettings *settings, WordPieceVocabulary *vocabulary,
                         QString *error);

/// Reads a vocab.txt (line i = id i, split on '\n' only, as transformers' load_vocab). False with *error on an
/// unreadable, oversized or non-UTF-8 file.
bool readVocabularyFile(const QString &path, WordPieceVocabulary *vocabulary, QString *error);

} // namespace clipfind
