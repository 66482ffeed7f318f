// SPDX-License-Identifier: MIT
#include "core/text/wordpiecesettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>

#include <algorithm>

namespace clipfind {

namespace {

constexpr int kChineseClipContextLength = 52; // cn_clip's context_length (Chinese-CLIP was trained with it)
constexpr int64_t kMaxSequenceLength = 100'000;

bool readSmallFile(const QString &path, QByteArray *bytes, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QCoreApplication::translate("clipfind::WordPieceSettings", "%1: cannot open file (%2)")
                     .arg(path, file.errorString());
        return false;
    }
    if (file.size() > kMaxTokenizerFileBytes) {
        *error = QCoreApplication::translate("clipfind::WordPieceSettings", "%1: file too large (%2 bytes, at most %3)")
                     .arg(path, QString::number(file.size()), QString::number(kMaxTokenizerFileBytes));
        return false;
    }
    *bytes = file.read(kMaxTokenizerFileBytes + 1);
    return true;
}

bool readJsonObject(const QString &path, QJsonObject *object, QString *error)
{
    QByteArray bytes;
    if (!readSmallFile(path, &bytes, error)) {
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error =
            parseError.error != QJsonParseError::NoError
                ? QCoreApplication::translate("clipfind::WordPieceSettings", "%1: not a JSON object (%2 at offset %3)")
                      .arg(path, parseError.errorString(), QString::number(parseError.offset))
                : QCoreApplication::translate("clipfind::WordPieceSettings", "%1: not a JSON object").arg(path);
        return false;
    }
    *object = document.object();
    return true;
}

// An optional JSON file: absent is fine (empty object), unreadable or malformed is an error.
bool readOptionalJsonObject(const QString &path, QJsonObject *object, QString *error)
{
    if (!QFileInfo::exists(path)) {
        *object = {};
        return true;
    }
    return readJsonObject(path, object, error);
}

bool isValidUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder.decode(bytes); // decoding is lazy: only the conversion sets hasError()
    return !decoder.hasError();
}

// A special token in tokenizer_config.json: "[UNK]" or {"content": "[UNK]", ...} (a serialized AddedToken).
std::string tokenText(const QJsonValue &value, const std::string &fallback)
{
    if (value.isString()) {
        return value.toString().toStdString();
    }
    if (value.isObject() && value.toObject().value(QStringLiteral("content")).isString()) {
        return value.toObject().value(QStringLiteral("content")).toString().toStdString();
    }
    return fallback;
}

// A positive length from JSON, or 0 when absent, not an integer or out of range.
int64_t lengthValue(const QJsonValue &value)
{
    if (!value.isDouble()) {
        return 0;
    }
    const double v = value.toDouble();
    if (v < 1 || v > double(kMaxSequenceLength) || v != double(int64_t(v))) {
        return 0;
    }
    return int64_t(v);
}

bool addPiece(WordPieceVocabulary *vocabulary, const std::string &piece, int64_t id)
{
    if (id < 0 || id >= kMaxVocabularySize) {
        return false;
    }
    if (vocabulary->pieces.size() <= size_t(id)) {
        vocabulary->pieces.resize(size_t(id) + 1);
    }
    vocabulary->pieces[size_t(id)] = piece;
    vocabulary->ids[piece] = id;
    return true;
}

// The folder holding the tokenizer: a sentence-transformers model keeps it with its Transformer module.
bool tokenizerFolder(const QString &folder, QString *result, bool *sentenceTransformers, QString *error)
{
    const QString modulesPath = QDir(folder).filePath(QStringLiteral("modules.json"));
    *sentenceTransformers = QFileInfo::exists(modulesPath);
    if (!*sentenceTransformers) {
        *result = folder;
        return true;
    }
    QByteArray bytes;
    if (!readSmallFile(modulesPath, &bytes, error)) {
        return false;
    }
    const QJsonDocument document = QJsonDocument::fromJson(bytes);
    for (const QJsonValue &module : document.array()) {
        const QString type = module.toObject().value(QStringLiteral("type")).toString();
        if (!type.endsWith(QLatin1String(".Transformer"))) {
            continue;
        }
        const QString path = module.toObject().value(QStringLiteral("path")).toString();
        if (QDir::isAbsolutePath(path) || path.split(QLatin1Char('/')).contains(QStringLiteral(".."))) {
            *error = QCoreApplication::translate("clipfind::WordPieceSettings",
                                                 "%1: module path '%2' leaves the model folder")
                         .arg(modulesPath, path);
            return false;
        }
        *result = path.isEmpty() ? folder : QDir(folder).filePath(path);
        return true;
    }
    *error = QCoreApplication::translate("clipfind::WordPieceSettings",
                                         "%1: no sentence_transformers.models.Transformer module")
                 .arg(modulesPath);
    return false;
}

bool readBertNormalizer(const QString &path, const QJsonObject &normalizer, WordPieceSettings *s, QString *error)
{
    const QString type = normalizer.value(QStringLiteral("type")).toString();
    if (type != QLatin1String("BertNormalizer")) {
        *error = QCoreApplication::translate("clipfind::WordPieceSettings",
                                             "%1: normalizer '%2' is not supported (only BertNormalizer)")
                     .arg(path, type);
        return false;
    }
    s->cleanText = normalizer.value(QStringLiteral("clean_text")).toBool(true);
    s->handleChineseChars = normalizer.value(QStringLiteral("handle_chinese_chars")).toBool(true);
    s->lowercase = normalizer.value(QStringLiteral("lowercase")).toBool(true);
    const QJsonValue strip = normalizer.value(QStringLiteral("strip_accents"));
    s->stripAccents = strip.isBool() ? strip.toBool() : s->lowercase; // null: follows lowercase
    return true;
}

// post_processor: TemplateProcessing "[CLS] $A [SEP]" (what BertConverter writes) or BertProcessing.
bool readPostProcessor(const QString &path, const QJsonObject &processor, WordPieceSettings *s, QString *error)
{
    const QString type = processor.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("BertProcessing")) {
        s->clsToken = processor.value(QStringLiteral("cls")).toArray().at(0).toString().toStdString();
        s->sepToken = processor.value(QStringLiteral("sep")).toArray().at(0).toString().toStdString();
        return true;
    }
    if (type == QLatin1String("TemplateProcessing")) {
        const QJsonArray single = processor.value(QStringLiteral("single")).toArray();
        const auto special = [&](int i) {
            return single.at(i)
                .toObject()
                .value(QStringLiteral("SpecialToken"))
                .toObject()
                .value(QStringLiteral("id"))
                .toString();
        };
        const bool sequenceInMiddle = single.at(1).toObject().contains(QStringLiteral("Sequence"));
        if (single.size() == 3 && sequenceInMiddle && !special(0).isEmpty() && !special(2).isEmpty()) {
            s->clsToken = special(0).toStdString();
            s->sepToken = special(2).toStdString();
            return true;
        }
    }
    *error = QCoreApplication::translate("clipfind::WordPieceSettings",
                                         "%1: post_processor '%2' is not supported (only [CLS] $A [SEP] templates)")
                 .arg(path, type);
    return false;
}

bool readTokenizerJson(const QString &path, WordPieceSettings *s, WordPieceVocabulary *vocabulary, int64_t *truncation,
                       QString *error)
{
    QJsonObject json;
    if (!readJsonObject(path, &json, error)) {
        return false;
    }
    if (!readBertNormalizer(path, json.value(QStringLiteral("normalizer")).toObject(), s, error)) {
        return false;
    }
    const QString preTokenizer =
        json.value(QStringLiteral("pre_tokenizer")).toObject().value(QStringLiteral("type")).toString();
    if (preTokenizer != QLatin1String("BertPreTokenizer")) {
        *error = QCoreApplication::translate("clipfind::WordPieceSettings",
                                             "%1: pre_tokenizer '%2' is not supported (only BertPreTokenizer)")
                     .arg(path, preTokenizer);
        return false;
    }
    const QJsonObject model = json.value(QStringLiteral("model")).toObject();
    if (model.value(QStringLiteral("type")).toString() != QLatin1String("WordPiece")) {
        *error = QCoreApplication::translate("clipfind::WordPieceSettings",
                                             "%1: model '%2' is not supported (only WordPiece)")
                     .arg(path, model.value(QStringLiteral("type")).toString());
        return false;
    }
    s->unkToken = model.value(QStringLiteral("unk_token")).toString(QStringLiteral("[UNK]")).toStdString();
    s->continuingSubwordPrefix =
        model.value(QStringLiteral("continuing_subword_prefix")).toString(QStringLiteral("##")).toStdString();
    const int64_t maxChars = lengthValue(model.value(QStringLiteral("max_input_chars_per_word")));
    s->maxInputCharsPerWord = maxChars > 0 ? int(std::min<int64_t>(maxChars, 10'000)) : 100;
    if (!readPostProcessor(path, json.value(QStringLiteral("post_processor")).toObject(), s, error)) {
        return false;
    }

    const QJsonObject vocab = model.value(QStringLiteral("vocab")).toObject();
    if (vocab.isEmpty() || vocab.size() > kMaxVocabularySize) {
        *error = QCoreApplication::translate("clipfind::WordPieceSettings",
                                             "%1: the WordPiece vocabulary has %2 entries (1 to %3 expected)")
                     .arg(path, QString::number(vocab.size()), QString::number(kMaxVocabularySize));
        return false;
    }
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        const std::string piece = it.key().toStdString();
        const double id = it.value().toDouble(-1);
        if (piece.size() > size_t(kMaxPieceBytes) || id != double(int64_t(id))
            || !addPiece(vocabulary, piece, int64_t(id))) {
            *error = QCoreApplication::translate("clipfind::WordPieceSettings", "%1: bad vocabulary entry '%2'")
                         .arg(path, it.key().left(40));
            return false;
        }
    }

    s->specialTokens.clear();
    for (const QJsonValue &value : json.value(QStringLiteral("added_tokens")).toArray()) {
        const QJsonObject token = value.toObject();
        const QString content = token.value(QStringLiteral("content")).toString();
        const double id = token.value(QStringLiteral("id")).toDouble(-1);
        const bool plain =
            !token.value(QStringLiteral("normalized")).toBool(false) && !token.value(QStringLiteral("lstrip")).toBool()
            && !token.value(QStringLiteral("rstrip")).toBool() && !token.value(QStringLiteral("single_word")).toBool();
        if (content.isEmpty() || content.size() > kMaxPieceBytes || id < 0 || id >= double(kMaxVocabularySize)
            || id != double(int64_t(id)) || !plain) {
            *error = QCoreApplication::translate(
                         "clipfind::WordPieceSettings",
                         "%1: added token '%2' is not supported (needs an id and normalized, lstrip, "
                         "rstrip, single_word all false)")
                         .arg(path, content.left(40));
            return false;
        }
        s->specialTokens.emplace_back(content.toStdString(), int64_t(id));
    }
    if (s->specialTokens.size() > 10'000) {
        *error = QCoreApplication::translate("clipfind::WordPieceSettings", "%1: too many added tokens (%2)")
                     .arg(path, QString::number(s->specialTokens.size()));
        return false;
    }
    *truncation = lengthValue(json.value(QStringLiteral("truncation")).toObject().value(QStringLiteral("max_length")));
    return true;
}

// tokenizer_config.json as transformers' BertTokenizer reads it (defaults: do_lower_case true, strip_accents
// following it), converted the way BertConverter builds a tokenizer.json from it.
void readTokenizerConfig(const QJsonObject &config, WordPieceSettings *s)
{
    s->lowercase = config.value(QStringLiteral("do_lower_case")).toBool(true);
    const QJsonValue strip = config.value(QStringLiteral("strip_accents"));
    s->stripAccents = strip.isBool() ? strip.toBool() : s->lowercase;
    s->handleChineseChars = config.value(QStringLiteral("tokenize_chinese_chars")).toBool(true);
    s->cleanText = true;
    s->unkToken = tokenText(config.value(QStringLiteral("unk_token")), "[UNK]");
    s->sepToken = tokenText(config.value(QStringLiteral("sep_token")), "[SEP]");
    s->padToken = tokenText(config.value(QStringLiteral("pad_token")), "[PAD]");
    s->clsToken = tokenText(config.value(QStringLiteral("cls_token")), "[CLS]");
}

} // namespace

bool readVocabularyFile(const QString &path, WordPieceVocabulary *vocabulary, QString *error)
{
    QByteArray bytes;
    if (!readSmallFile(path, &bytes, error)) {
        return false;
    }
    int64_t id = 0;
    qsizetype start = 0;
    while (start < bytes.size()) {
        qsizetype end = bytes.indexOf('\n', start);
        if (end < 0) {
            end = bytes.size();
        }
        const QByteArray line = bytes.mid(start, end - start);
        if (line.size() > kMaxPieceBytes) {
            *error = QCoreApplication::translate("clipfind::WordPieceSettings", "%1: line %2 is longer than %3 bytes")
                         .arg(path, QString::number(id + 1), QString::number(kMaxPieceBytes));
            return false;
        }
        if (!isValidUtf8(line)) {
            *error = QCoreApplication::translate("clipfind::WordPieceSettings", "%1: line %2 is not valid UTF-8")
                         .arg(path, QString::number(id + 1));
            return false;
        }
        if (!addPiece(vocabulary, line.toStdString(), id)) {
            *error = QCoreApplication::translate("clipfind::WordPieceSettings", "%1: more than %2 lines")
                         .arg(path, QString::number(kMaxVocabularySize));
            return false;
        }
        ++id;
        start = end + 1;
    }
    if (id == 0) {
        *error = QCoreApplication::translate("clipfind::WordPieceSettings", "%1: the vocabulary is empty").arg(path);
        return false;
    }
    return true;
}

bool readWordPieceFolder(const QString &folder, WordPieceSettings *settings, WordPieceVocabulary *vocabulary,
                         QString *error)
{
    WordPieceSettings s;
    WordPieceVocabulary v;
    QString dir;
    bool sentenceTransformers = false;
    if (!QFileInfo(folder).isDir()) {
        *error = QCoreApplication::translate("clipfind::WordPieceSettings", "%1: not a folder").arg(folder);
        return false;
    }
    if (!tokenizerFolder(folder, &dir, &sentenceTransformers, error)) {
        return false;
    }
    const QDir files(dir);
    QJsonObject tokenizerConfig;
    QJsonObject modelConfig;
    QJsonObject sentenceConfig;
    if (!readOptionalJsonObject(files.filePath(QStringLiteral("tokenizer_config.json")), &tokenizerConfig, error)
        || !readOptionalJsonObject(files.filePath(QStringLiteral("config.json")), &modelConfig, error)
        || !readOptionalJsonObject(files.filePath(QStringLiteral("sentence_bert_config.json")), &sentenceConfig,
                                   error)) {
        return false;
    }

    int64_t truncation = 0;
    const QString tokenizerJson = files.filePath(QStringLiteral("tokenizer.json"));
    const QString vocabTxt = files.filePath(QStringLiteral("vocab.txt"));
    if (QFileInfo::exists(tokenizerJson)) {
        if (!readTokenizerJson(tokenizerJson, &s, &v, &truncation, error)) {
            return false;
        }
        s.padToken = tokenText(tokenizerConfig.value(QStringLiteral("pad_token")), s.padToken);
    } else if (QFileInfo::exists(vocabTxt)) {
        readTokenizerConfig(tokenizerConfig, &s);
        if (!readVocabularyFile(vocabTxt, &v, error)) {
            return false;
        }
        // BertConverter adds the special tokens as unnormalized added tokens with their vocabulary ids.
        const std::pair<const char *, const char *> specials[] = {
            {"pad_token", "[PAD]"}, {"unk_token", "[UNK]"},   {"cls_token", "[CLS]"},
            {"sep_token", "[SEP]"}, {"mask_token", "[MASK]"},
        };
        for (const auto &[key, fallback] : specials) {
            const std::string token = tokenText(tokenizerConfig.value(QLatin1String(key)), fallback);
            if (const auto it = v.ids.find(token); it != v.ids.end()) {
                s.specialTokens.emplace_back(token, it->second);
            }
        }
    } else {
        *error =
            QCoreApplication::translate("clipfind::WordPieceSettings", "%1: no tokenizer.json or vocab.txt").arg(dir);
        return false;
    }
    s.lowercaseInputFirst = sentenceTransformers && sentenceConfig.value(QStringLiteral("do_lower_case")).toBool(false);

    // The length the model sees, [CLS] and [SEP] included.
    const bool chineseClip =
        modelConfig.value(QStringLiteral("model_type")).toString() == QLatin1String("chinese_clip");
    const QJsonObject textConfig =
        chineseClip ? modelConfig.value(QStringLiteral("text_config")).toObject() : modelConfig;
    const int64_t positions = lengthValue(textConfig.value(QStringLiteral("max_position_embeddings")));
    int64_t length = sentenceTransformers ? lengthValue(sentenceConfig.value(QStringLiteral("max_seq_length"))) : 0;
    if (length == 0 && chineseClip) {
        length = kChineseClipContextLength;
    }
    if (length == 0) {
        length = truncation;
    }
    if (length == 0) {
        length = lengthValue(tokenizerConfig.value(QStringLiteral("model_max_length"))); // 1e30 "unlimited" gives 0
    }
    if (length == 0) {
        length = positions > 0 ? positions : 512;
    }
    if (positions > 0) {
        length = std::min(length, positions);
    }
    if (length < 2) {
        *error = QCoreApplication::translate("clipfind::WordPieceSettings",
                                             "%1: maximum length %2 leaves no room for [CLS] and [SEP]")
                     .arg(dir, QString::number(length));
        return false;
    }
    s.maxLength = int(length);
    *settings = std::move(s);
    *vocabulary = std::move(v);
    return true;
}

} // namespace clipfind
