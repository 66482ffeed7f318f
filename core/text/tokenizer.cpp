// SPDX-License-Identifier: MIT
#include "core/text/tokenizer.h"

#include "core/text/textcleaner.h"

#include <QCoreApplication>
#include <QFile>
#include <QList>

#include <unicode/uchar.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <queue>
#include <string>
#include <unordered_map>

namespace clipfind {

namespace {

// simple_tokenizer.py uses merges[1 : 49152 - 256 - 2 + 1]: lines 1..48894 of the file.
constexpr int kMergeCount = 49152 - 256 - 2;
constexpr int kFirstMergeId = 512;
constexpr char kBuiltinPath[] = ":/clip/bpe_simple_vocab_16e6.txt.gz";

void appendUtf8(std::string *out, char32_t c)
{
    if (c < 0x80) {
        out->push_back(char(c));
    } else if (c < 0x800) {
        out->push_back(char(0xC0 | (c >> 6)));
        out->push_back(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out->push_back(char(0xE0 | (c >> 12)));
        out->push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out->push_back(char(0x80 | (c & 0x3F)));
    } else {
        out->push_back(char(0xF0 | (c >> 18)));
        out->push_back(char(0x80 | ((c >> 12) & 0x3F)));
        out->push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out->push_back(char(0x80 | (c & 0x3F)));
    }
}

// bytes_to_unicode(): the printable bytes keep their code point, the other 68 get 256 + n in byte order.
// Token ids follow this list, so byte 0x21 '!' is id 0 and byte 0x00 is id 188.
struct ByteSymbols {
    std::array<int32_t, 256> idOfByte{};
    std::array<std::string, 512> text; // UTF-8 of ids 0..511: the symbols, then the same with "</w>"

    ByteSymbols()
    {
        const auto printable = [](int b) {
            return (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        };
        int32_t id = 0;
        for (int b = 0; b < 256; ++b) {
            if (printable(b)) {
                add(b, b, id++);
            }
        }
        int extra = 0;
        for (int b = 0; b < 256; ++b) {
            if (!printable(b)) {
                add(b, 256 + extra++, id++);
            }
        }
    }

private:
    void add(int byte, char32_t symbol, int32_t id)
    {
        idOfByte[size_t(byte)] = id;
        std::string utf8;
        appendUtf8(&utf8, symbol);
        text[size_t(id)] = utf8;
        text[size_t(id) + 256] = utf8 + "</w>";
    }
};

const ByteSymbols &byteSymbols()
{
    static const ByteSymbols symbols;
    return symbols;
}

uint64_t pairKey(int32_t first, int32_t second)
{
    return (uint64_t(uint32_t(first)) << 32) | uint32_t(second);
}

// simple_tokenizer's encoder (vocabulary string -> id) while loading: an open-addressing table over
// string views, because 49 406 allocated map nodes dominated the load time.
class VocabularyIndex
{
public:
    explicit VocabularyIndex(size_t capacity)
    {
        size_t slots = 1;
        while (slots < 2 * capacity) { // at most half full, so probe runs stay short
            slots <<= 1;
        }
        m_slots.assign(slots, -1);
        m_text.reserve(capacity);
    }

    // Adds the next id; false if the string is already there (the file would then not be CLIP's).
    bool add(std::string_view text)
    {
        size_t slot = find(text);
        if (m_slots[slot] >= 0) {
            return false;
        }
        m_slots[slot] = int32_t(m_text.size());
        m_text.push_back(text);
        return true;
    }

    int32_t id(std::string_view text) const { return m_slots[find(text)]; } // -1 if absent

private:
    size_t find(std::string_view text) const
    {
        const size_t mask = m_slots.size() - 1;
        size_t slot = std::hash<std::string_view>()(text) & mask;
        while (m_slots[slot] >= 0 && m_text[size_t(m_slots[slot])] != text) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    std::vector<int32_t> m_slots;
    std::vector<std::string_view> m_text;
};

// Inflates a gzip stream until `lineCount` lines are complete or the stream ends. Stopping early is what
// keeps loading fast: the file holds 262 144 merges and CLIP uses only the first 48 894 (about a sixth of
// the text), so inflating the rest would cost more than everything else load() does.
bool inflateGzipLines(const QByteArray &compressed, int lineCount, std::string *out, QString *error)
{
    z_stream stream{};
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) { // 16: expect a gzip header, not zlib/raw deflate
        *error = QCoreApplication::translate("clipfind::Tokenizer", "zlib initialisation failed");
        return false;
    }
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.constData()));
    stream.avail_in = uInt(compressed.size());
    out->clear();
    out->reserve(size_t(compressed.size())); // more than the part of CLIP's file that is read: no regrowth
    std::array<char, 1 << 16> buffer;
    int lines = 0;
    int result = Z_OK;
    while (result == Z_OK && lines < lineCount) {
        stream.next_out = reinterpret_cast<Bytef *>(buffer.data());
        stream.avail_out = uInt(buffer.size());
        result = inflate(&stream, Z_NO_FLUSH);
        const size_t produced = buffer.size() - stream.avail_out;
        lines += int(std::count(buffer.data(), buffer.data() + produced, '\n'));
        out->append(buffer.data(), produced);
    }
    const QString message = QString::fromLatin1(stream.msg ? stream.msg : "");
    inflateEnd(&stream);
    if (result == Z_OK || result == Z_STREAM_END) {
        return true;
    }
    if (result == Z_DATA_ERROR) {
        *error = QCoreApplication::translate("clipfind::Tokenizer", "not gzip data or corrupt (%1)").arg(message);
    } else if (result == Z_BUF_ERROR) {
        *error = QCoreApplication::translate("clipfind::Tokenizer", "the gzip data ends early");
    } else {
        *error = QCoreApplication::translate("clipfind::Tokenizer", "inflate failed (%1)").arg(result);
    }
    return false;
}

// Pre-tokenisation: calls visit(begin, end) for each match of
//   regex.findall(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
//                 text, re.IGNORECASE)
// on the cleaned text. The first alternative that matches at a position wins (not the longest), and the
// punctuation run swallows a following "'" or "<|". Under IGNORECASE the `regex` module also lets U+017F 'ſ'
// match 's' (the text is already lower case, so no other character matches an ASCII letter of the
// patterns), and U+0345, which case-folds to a letter, matches none of the classes: like whitespace, it
// is dropped.
template<typename Visit>
void forEachPiece(const QString &cleaned, Visit visit)
{
    const QList<uint> ucs4 = cleaned.toUcs4();
    const std::u32string text(ucs4.cbegin(), ucs4.cend());
    const size_t n = text.size();
    static constexpr std::string_view kLiterals[] = {
        "<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
    const auto literalLength = [&text, n](size_t i) -> size_t {
        for (const std::string_view literal : kLiterals) {
            size_t k = 0;
            while (k < literal.size() && i + k < n
                   && (text[i + k] == char32_t(literal[k]) || (literal[k] == 's' && text[i + k] == 0x17F))) {
                ++k;
            }
            if (k == literal.size()) {
                return k;
            }
        }
        return 0;
    };
    enum Class { Letter, Number, Other, Skip };
    const auto classOf = [](char32_t c) {
        const uint32_t mask = U_GET_GC_MASK(UChar32(c));
        if (mask & U_GC_L_MASK) {
            return Letter;
        }
        if (mask & U_GC_N_MASK) {
            return Number;
        }
        return u_isUWhiteSpace(UChar32(c)) || c == 0x345 ? Skip : Other;
    };
    for (size_t i = 0; i < n;) {
        size_t end = i + literalLength(i);
        const Class cls = classOf(text[i]);
        if (end == i && cls == Skip) {
            ++i;
            continue;
        }
        if (end == i) {
            end = i + 1; // [\p{N}] is a single character
            while (cls != Number && end < n && classOf(text[end]) == cls) {
                ++end;
            }
        }
        visit(text.data() + i, text.data() + end);
        i = end;
    }
}

} // namespace

struct Tokenizer::Private {
    // Merge rank per adjacent id pair; merge k creates id 512 + k. BPE on ids is the same as
    // simple_tokenizer's BPE on strings because every vocabulary string has exactly one id (checked at load).
    std::unordered_map<uint64_t, int32_t> m_mergeRanks;
    int m_vocabularySize = 0;

    bool parse(std::string *text, QString *error);
    void bpe(const std::string &piece, std::vector<int64_t> *ids) const;
};

bool Tokenizer::Private::parse(std::string *text, QString *error)
{
    // simple_tokenizer's vocabulary, string for string: the 512 byte symbols (plain, then with "</w>"),
    // then one token per merge line, the concatenation of its two parts.
    const ByteSymbols &symbols = byteSymbols();
    VocabularyIndex vocabulary(kFirstMergeId + kMergeCount);
    for (const std::string &symbol : symbols.text) {
        vocabulary.add(symbol);
    }
    std::vector<std::pair<std::string_view, std::string_view>> parts(kMergeCount);
    size_t pos = text->find('\n'); // line 0 is the "#version" header
    for (int k = 0; k < kMergeCount; ++k) {
        if (pos == std::string::npos) {
            *error = QCoreApplication::translate("clipfind::Tokenizer",
                                                 "the merge table has only %1 merges, expected at least %2")
                         .arg(k)
                         .arg(kMergeCount);
            return false;
        }
        const size_t begin = pos + 1;
        pos = text->find('\n', begin);
        const size_t end = pos == std::string::npos ? text->size() : pos;
        const size_t space = text->find(' ', begin);
        if (space == std::string::npos || space <= begin || space + 1 >= end) {
            *error = QCoreApplication::translate("clipfind::Tokenizer", "malformed merge on line %1").arg(k + 2);
            return false;
        }
        // Shift the first part over the space so that the joined token is one view into the buffer.
        char *data = text->data();
        std::move_backward(data + begin, data + space, data + space + 1);
        const std::string_view joined(text->data() + begin + 1, end - begin - 1);
        parts[size_t(k)] = {joined.substr(0, space - begin), joined.substr(space - begin)};
        if (!vocabulary.add(joined)) {
            *error = QCoreApplication::translate("clipfind::Tokenizer", "merge on line %1 repeats an earlier token")
                         .arg(k + 2);
            return false;
        }
    }
    // Parts are resolved only now because a part may be a token that a later line creates; a part that
    // is no token never occurs in a word, so its merge can never apply.
    m_mergeRanks.reserve(size_t(kMergeCount));
    for (int k = 0; k < kMergeCount; ++k) {
        const int32_t first = vocabulary.id(parts[size_t(k)].first);
        const int32_t second = vocabulary.id(parts[size_t(k)].second);
        if (first >= 0 && second >= 0) {
            m_mergeRanks.emplace(pairKey(first, second), k);
        }
    }
    m_vocabularySize = kFirstMergeId + kMergeCount + 2;
    return true;
}

void Tokenizer::Private::bpe(const std::string &piece, std::vector<int64_t> *ids) const
{
    // simple_tokenizer's cache is pre-seeded with the two special tokens, so they bypass BPE.
    if (piece == "<|startoftext|>" || piece == "<|endoftext|>") {
        ids->push_back(piece == "<|startoftext|>" ? kStartOfText : kEndOfText);
        return;
    }
    // simple_tokenizer merges the lowest-ranked adjacent pair, all its non-overlapping occurrences left to right,
    // and repeats: quadratic in the word's length. The same merges in the same order, in O(n log n): symbols in a
    // linked list, candidate pairs in a heap ordered by (rank, position). A merge only creates pairs of other ranks
    // (the new symbol is neither part of the pair it came from), so popping equal ranks by position is the sweep.
    const ByteSymbols &symbols = byteSymbols();
    const int32_t n = int32_t(piece.size());
    if (n == 0) {
        return;
    }
    std::vector<int32_t> symbol(static_cast<size_t>(n));
    std::vector<int32_t> next(static_cast<size_t>(n));
    std::vector<int32_t> previous(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) {
        symbol[size_t(i)] = symbols.idOfByte[uint8_t(piece[size_t(i)])];
        next[size_t(i)] = i + 1 < n ? i + 1 : -1;
        previous[size_t(i)] = i - 1;
    }
    symbol.back() += 256;           // the last symbol carries </w>
    constexpr int32_t kMerged = -1; // a symbol folded into its left neighbour
    const auto rankOf = [this, &symbol, &next](int32_t left) -> int32_t {
        const int32_t right = next[size_t(left)];
        if (right < 0) {
            return -1;
        }
        const auto it = m_mergeRanks.find(pairKey(symbol[size_t(left)], symbol[size_t(right)]));
        return it == m_mergeRanks.end() ? -1 : it->second;
    };
    using Candidate = std::pair<int32_t, int32_t>; // (rank, position of the left symbol)
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> candidates;
    const auto consider = [&](int32_t left) {
        const int32_t rank = left >= 0 ? rankOf(left) : -1;
        if (rank >= 0) {
            candidates.emplace(rank, left);
        }
    };
    for (int32_t i = 0; i + 1 < n; ++i) {
        consider(i);
    }
    while (!candidates.empty()) {
        const auto [rank, left] = candidates.top();
        candidates.pop();
        if (symbol[size_t(left)] == kMerged || rankOf(left) != rank) {
            continue; // one of its symbols was merged since
        }
        const int32_t right = next[size_t(left)];
        symbol[size_t(left)] = kFirstMergeId + rank;
        symbol[size_t(right)] = kMerged;
        next[size_t(left)] = next[size_t(right)];
        if (next[size_t(right)] >= 0) {
            previous[size_t(next[size_t(right)])] = left;
        }
        consider(previous[size_t(left)]);
        consider(left);
    }
    for (int32_t i = 0; i >= 0; i = next[size_t(i)]) {
        ids->push_back(symbol[size_t(i)]);
    }
}

Tokenizer::Tokenizer()
    : d(std::make_unique<Private>())
{
}

Tokenizer::~Tokenizer() = default;

std::shared_ptr<const Tokenizer> Tokenizer::load(const QString &path, QString *error)
{
    QString problem;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        problem = file.errorString();
    } else {
        std::string text;
        if (inflateGzipLines(file.readAll(), kMergeCount + 1, &text, &problem)) {
            std::shared_ptr<Tokenizer> tokenizer(new Tokenizer);
            if (tokenizer->d->parse(&text, &problem)) {
                return tokenizer;
            }
        }
    }
    if (error) {
        *error = QCoreApplication::translate("clipfind::Tokenizer", "Cannot load the CLIP merge table %1: %2")
                     .arg(path, problem);
    }
    return nullptr;
}

std::shared_ptr<const Tokenizer> Tokenizer::loadBuiltin(QString *error)
{
    return load(QString::fromLatin1(kBuiltinPath), error);
}

int Tokenizer::vocabularySize() const
{
    return d->m_vocabularySize;
}

std::vector<int64_t> Tokenizer::encode(const QString &text) const
{
    return encodeUpTo(text, std::numeric_limits<size_t>::max());
}

std::vector<int64_t> Tokenizer::encodeUpTo(const QString &text, size_t maxIds) const
{
    // tokenize() keeps only the first 75 ids: so stop once enough ids exist, and cut a single piece after
    // kMaxPieceBytes. Its first ids cannot change (merges are local and no CLIP token is near that long); only a
    // pasted multi-kilobyte "word" gets here. Cleaning the whole text stays linear (textcleaner.h).
    constexpr size_t kMaxPieceBytes = 4096;
    const size_t pieceLimit = maxIds == std::numeric_limits<size_t>::max() ? maxIds : kMaxPieceBytes;
    std::vector<int64_t> ids;
    std::string piece;
    forEachPiece(clipCleanText(text), [&](const char32_t *begin, const char32_t *end) {
        if (ids.size() >= maxIds) {
            return;
        }
        piece.clear();
        for (const char32_t *c = begin; c != end && piece.size() < pieceLimit; ++c) {
            appendUtf8(&piece, *c);
        }
        d->bpe(piece, &ids);
    });
    return ids;
}

std::vector<int64_t> Tokenizer::tokenize(const QString &text, int contextLength) const
{
    if (contextLength <= 0) {
        return {};
    }
    std::vector<int64_t> ids{kStartOfText};
    const std::vector<int64_t> content = encodeUpTo(text, size_t(contextLength));
    ids.insert(ids.end(), content.begin(), content.end());
    ids.push_back(kEndOfText);
    if (ids.size() > size_t(contextLength)) { // clip.tokenize(truncate=True)
        ids.resize(size_t(contextLength));
        ids.back() = kEndOfText;
    }
    ids.resize(size_t(contextLength), 0);
    return ids;
}

} // namespace clipfind
