// SPDX-License-Identifier: MIT
#include "core/text/wordpiecetokenizer.h"

#include "core/text/wordpiecenormalizer.h"

#include <QCoreApplication>
#include <unicode/ustring.h>

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace clipfind {

namespace {

std::u32string codePoints(QStringView text)
{
    std::u32string out;
    out.reserve(size_t(text.size()));
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t unit = text[i].unicode();
        if (QChar::isHighSurrogate(unit) && i + 1 < text.size() && QChar::isLowSurrogate(text[i + 1].unicode())) {
            out.push_back(QChar::surrogateToUcs4(unit, text[i + 1].unicode()));
            ++i;
        } else if (QChar::isSurrogate(unit)) {
            out.push_back(0xFFFD); // a lone surrogate is no character; UTF-8 encoders replace it so
        } else {
            out.push_back(unit);
        }
    }
    return out;
}

void appendUtf8(std::string &out, char32_t c)
{
    if (c < 0x80) {
        out.push_back(char(c));
    } else if (c < 0x800) {
        out.push_back(char(0xC0 | (c >> 6)));
        out.push_back(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(char(0xE0 | (c >> 12)));
        out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(char(0x80 | (c & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (c >> 18)));
        out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(char(0x80 | (c & 0x3F)));
    }
}

// Python's str.lower() of a whole text (final sigma included), as sentence-transformers' do_lower_case applies it.
QString lowerWholeText(const QString &text)
{
    std::u16string out(size_t(text.size()) + 16, u'\0');
    for (int attempt = 0; attempt < 2; ++attempt) {
        UErrorCode status = U_ZERO_ERROR;
        const int32_t length =
            u_strToLower(reinterpret_cast<UChar *>(out.data()), int32_t(out.size()),
                         reinterpret_cast<const UChar *>(text.utf16()), int32_t(text.size()), "", &status);
        if (status == U_BUFFER_OVERFLOW_ERROR) {
            out.resize(size_t(length));
            continue;
        }
        if (U_FAILURE(status)) {
            return text.toLower();
        }
        return QString::fromUtf16(out.data(), length);
    }
    return text.toLower();
}

size_t codePointCount(const std::string &utf8)
{
    return size_t(std::count_if(utf8.begin(), utf8.end(), [](char b) { return (uint8_t(b) & 0xC0) != 0x80; }));
}

struct SpecialToken {
    std::u32string text;
    int64_t id = 0;
};

} // namespace

struct WordPieceTokenizer::Private {
    WordPieceSettings settings;
    WordPieceVocabulary vocabulary;
    wordpiece::NormalizerOptions normalizer;
    int64_t unkId = 0;
    int64_t clsId = 0;
    int64_t sepId = 0;
    int64_t padId = 0;
    size_t maxPieceChars = 1; // no vocabulary entry is longer (in code points), so longer candidates are skipped
    std::unordered_map<char32_t, std::vector<SpecialToken>> specials; // by first code point, longest first

    // The special token starting at text[pos], leftmost-longest as the Rust AddedVocabulary matches; null if none.
    const SpecialToken *specialAt(std::u32string_view text, size_t pos) const
    {
        const auto it = specials.find(text[pos]);
        if (it == specials.end()) {
            return nullptr;
        }
        for (const SpecialToken &token : it->second) {
            if (text.substr(pos, token.text.size()) == token.text) {
                return &token;
            }
        }
        return nullptr;
    }

    // Greedy longest-match WordPiece of one word (models/wordpiece/mod.rs): appends its pieces, or one unknown id when
    // the word is too long or some position matches no piece.
    void wordPiece(std::u32string_view word, std::vector<int64_t> &out) const
    {
        if (word.size() > size_t(settings.maxInputCharsPerWord)) {
            out.push_back(unkId);
            return;
        }
        std::string utf8;
        std::vector<size_t> offsets; // byte offset of each code point, plus the end
        offsets.reserve(word.size() + 1);
        for (const char32_t c : word) {
            offsets.push_back(utf8.size());
            appendUtf8(utf8, c);
        }
        offsets.push_back(utf8.size());

        const size_t first = out.size();
        std::string candidate;
        for (size_t start = 0; start < word.size();) {
            size_t end = std::min(word.size(), start + maxPieceChars);
            int64_t id = -1;
            for (; end > start; --end) {
                candidate.assign(start > 0 ? settings.continuingSubwordPrefix : std::string());
                candidate.append(utf8, offsets[start], offsets[end] - offsets[start]);
                if (const auto it = vocabulary.ids.find(candidate); it != vocabulary.ids.end()) {
                    id = it->second;
                    break;
                }
            }
            if (id < 0) {
                out.resize(first);
                out.push_back(unkId);
                return;
            }
            out.push_back(id);
            start = end;
        }
    }

    // An ideograph becomes a word of its own (handle_chinese_chars surrounds it with spaces), so it can be normalized
    // as a chunk of its own.
    bool isLoneChunk(char32_t c) const { return normalizer.handleChineseChars && wordpiece::isChineseChar(c); }

    // Normalizes, pre-tokenizes and word-pieces text without special tokens, one chunk between whitespace (or one
    // ideograph) at a time, until `out` holds `limit` ids.
    void encodeSpan(std::u32string_view text, std::vector<int64_t> &out, size_t limit) const
    {
        std::u32string normalized;
        size_t pos = 0;
        while (pos < text.size() && out.size() < limit) {
            if (wordpiece::isChunkBoundary(text[pos], normalizer)) {
                ++pos;
                continue;
            }
            size_t end = pos + 1;
            if (!isLoneChunk(text[pos])) {
                while (end < text.size() && !wordpiece::isChunkBoundary(text[end], normalizer)
                       && !isLoneChunk(text[end])) {
                    ++end;
                }
            }
            normalized.clear();
            wordpiece::normalize(text.substr(pos, end - pos), normalizer, normalized);
            wordpiece::preTokenize(normalized, [&](std::u32string_view word) {
                wordPiece(word, out);
                return out.size() < limit;
            });
            pos = end;
        }
    }

    // Calls span() for the text between special tokens and special() for each special token, in order, while
    // `more` says so.
    template<typename Span, typename Special, typename More>
    void splitSpecial(std::u32string_view text, Span span, Special special, More more) const
    {
        size_t spanStart = 0;
        for (size_t pos = 0; pos < text.size() && more();) {
            const SpecialToken *token = specials.empty() ? nullptr : specialAt(text, pos);
            if (!token) {
                ++pos;
                continue;
            }
            if (pos > spanStart) {
                span(text.substr(spanStart, pos - spanStart));
            }
            if (more()) {
                special(*token);
            }
            pos += token->text.size();
            spanStart = pos;
        }
        if (spanStart < text.size() && more()) {
            span(text.substr(spanStart));
        }
    }

    std::u32string prepared(const QString &text) const
    {
        return codePoints(settings.lowercaseInputFirst ? lowerWholeText(text) : text);
    }
};

WordPieceTokenizer::WordPieceTokenizer(std::unique_ptr<Private> d)
    : d(std::move(d))
{
}

WordPieceTokenizer::~WordPieceTokenizer() = default;

std::shared_ptr<const WordPieceTokenizer> WordPieceTokenizer::load(const QString &folder, QString *error)
{
    WordPieceSettings settings;
    WordPieceVocabulary vocabulary;
    if (!readWordPieceFolder(folder, &settings, &vocabulary, error)) {
        return nullptr;
    }
    QString problem;
    auto tokenizer = create(std::move(settings), std::move(vocabulary), &problem);
    if (!tokenizer) {
        *error = folder + QStringLiteral(": ") + problem;
    }
    return tokenizer;
}

std::shared_ptr<const WordPieceTokenizer> WordPieceTokenizer::create(WordPieceSettings settings,
                                                                     WordPieceVocabulary vocabulary, QString *error)
{
    auto d = std::make_unique<Private>();
    const auto idOf = [&vocabulary](const std::string &piece) {
        const auto it = vocabulary.ids.find(piece);
        return it == vocabulary.ids.end() ? int64_t(-1) : it->second;
    };
    d->unkId = idOf(settings.unkToken);
    d->clsId = idOf(settings.clsToken);
    d->sepId = idOf(settings.sepToken);
    d->padId = std::max<int64_t>(0, idOf(settings.padToken));
    for (const auto &[name, id] :
         {std::pair{settings.unkToken, d->unkId}, {settings.clsToken, d->clsId}, {settings.sepToken, d->sepId}}) {
        if (id < 0) {
            *error = QCoreApplication::translate("clipfind::WordPieceTokenizer", "the vocabulary has no '%1' piece")
                         .arg(QString::fromStdString(name));
            return nullptr;
        }
    }
    if (settings.maxLength < 2 || settings.maxInputCharsPerWord < 1) {
        *error = QCoreApplication::translate("clipfind::WordPieceTokenizer",
                                             "maximum length %1 leaves no room for [CLS] and [SEP]")
                     .arg(settings.maxLength);
        return nullptr;
    }
    for (const auto &entry : vocabulary.ids) {
        d->maxPieceChars = std::max(d->maxPieceChars, codePointCount(entry.first));
    }
    for (const auto &[text, id] : settings.specialTokens) {
        SpecialToken token{codePoints(QString::fromStdString(text)), id};
        if (!token.text.empty()) {
            d->specials[token.text.front()].push_back(std::move(token));
        }
    }
    for (auto &entry : d->specials) {
        std::stable_sort(entry.second.begin(), entry.second.end(),
                         [](const SpecialToken &a, const SpecialToken &b) { return a.text.size() > b.text.size(); });
    }
    d->normalizer.cleanText = settings.cleanText;
    d->normalizer.handleChineseChars = settings.handleChineseChars;
    d->normalizer.stripAccents = settings.stripAccents;
    d->normalizer.lowercase = settings.lowercase;
    d->settings = std::move(settings);
    d->vocabulary = std::move(vocabulary);
    return std::shared_ptr<const WordPieceTokenizer>(new WordPieceTokenizer(std::move(d)));
}

std::vector<int64_t> WordPieceTokenizer::encode(const QString &text, QString *error) const
{
    if (text.size() > kMaxTextLength) {
        if (error) {
            *error = QCoreApplication::translate("clipfind::WordPieceTokenizer",
                                                 "text too long to tokenize (%1 characters, at most %2)")
                         .arg(text.size())
                         .arg(kMaxTextLength);
        }
        return {};
    }
    const std::u32string input = d->prepared(text);
    const size_t limit = size_t(d->settings.maxLength) - 1; // [CLS] + content; [SEP] comes last
    std::vector<int64_t> ids{d->clsId};
    d->splitSpecial(
        input, [&](std::u32string_view span) { d->encodeSpan(span, ids, limit); },
        [&](const SpecialToken &token) { ids.push_back(token.id); }, [&] { return ids.size() < limit; });
    ids.resize(std::min(ids.size(), limit)); // a word's pieces may run past the limit: cut between them
    ids.push_back(d->sepId);
    return ids;
}

std::vector<int64_t> WordPieceTokenizer::encodePadded(const QString &text, QString *error) const
{
    std::vector<int64_t> ids = encode(text, error);
    if (!ids.empty()) {
        ids.resize(size_t(d->settings.maxLength), d->padId);
    }
    return ids;
}

QStringList WordPieceTokenizer::pieces(const std::vector<int64_t> &ids) const
{
    QStringList out;
    for (const int64_t id : ids) {
        const bool known = id >= 0 && size_t(id) < d->vocabulary.pieces.size();
        out << (known ? QString::fromStdString(d->vocabulary.pieces[size_t(id)]) : QString());
    }
    return out;
}

QStringList WordPieceTokenizer::words(const QString &text) const
{
    const auto toQString = [](std::u32string_view s) { return QString::fromUcs4(s.data(), qsizetype(s.size())); };
    QStringList out;
    d->splitSpecial(
        d->prepared(text),
        [&](std::u32string_view span) {
            std::u32string normalized;
            wordpiece::normalize(span, d->normalizer, normalized);
            wordpiece::preTokenize(normalized, [&](std::u32string_view word) {
                out << toQString(word);
                return true;
            });
        },
        [&](const SpecialToken &token) { out << toQString(token.text); }, [] { return true; });
    return out;
}

const WordPieceSettings &WordPieceTokenizer::settings() const
{
    return d->settings;
}

int WordPieceTokenizer::maxLength() const
{
    return d->settings.maxLength;
}

int64_t WordPieceTokenizer::vocabularySize() const
{
    return int64_t(d->vocabulary.pieces.size());
}

int64_t WordPieceTokenizer::padId() const
{
    return d->padId;
}

} // namespace clipfind
