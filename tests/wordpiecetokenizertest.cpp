// SPDX-License-Identifier: MIT
// The WordPiece tokenizer against the reference ids of Hugging Face's Rust tokenizers (tests/data/multilingual,
// see its README): every case of both configurations, read from tokenizer.json and from tokenizer_config.json +
// vocab.txt; the model fixtures' token ids; every code point on which the Rust and the Python tokenizers disagree;
// time on huge inputs; broken tokenizer files.
#include "core/text/wordpiecetokenizer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;

using Ids = std::vector<int64_t>;
Q_DECLARE_METATYPE(Ids)

namespace {

QString dataPath(const QString &relative)
{
    return QStringLiteral(CLIPFIND_TEST_DATA "/multilingual/") + relative;
}

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object();
}

Ids toIds(const QJsonArray &array)
{
    Ids ids;
    for (const QJsonValue &v : array) {
        ids.push_back(v.toInteger());
    }
    return ids;
}

QString idsText(const Ids &ids)
{
    QStringList parts;
    for (const int64_t id : ids) {
        parts << QString::number(id);
    }
    return parts.join(QLatin1Char(' '));
}

bool copyFile(const QString &from, const QString &to)
{
    QFile::remove(to);
    return QFile::copy(from, to) && QFile::setPermissions(to, QFile::ReadOwner | QFile::WriteOwner);
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// The two model folders' tokenizers (configurations (a) and (b) of the fixture) and their case files.
struct Configuration {
    const char *name;
    const char *folder;
    const char *cases;
};

const Configuration kConfigurations[] = {
    {"multilingual-cased", "tiny-st-multilingual", "tokenizer/multilingual_cased.json"},
    {"chinese-clip", "tiny-chinese-clip", "tokenizer/chinese_clip.json"},
};

} // namespace

class WordPieceTokenizerTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    // By "<configuration> <source>": source "tokenizer.json" or "vocab.txt" (tokenizer_config.json + vocab.txt).
    QHash<QString, std::shared_ptr<const WordPieceTokenizer>> m_tokenizers;

    // A copy of a model folder without its tokenizer.json, so the tokenizer comes from tokenizer_config.json and
    // vocab.txt, as for repositories that ship no tokenizer.json.
    QString folderWithoutTokenizerJson(const QString &folder)
    {
        const QString copy = m_dir.filePath(folder + QStringLiteral("-vocab"));
        QDir().mkpath(copy);
        for (const QString &name : QDir(dataPath(folder)).entryList(QDir::Files)) {
            if (name != QLatin1String("tokenizer.json") && !name.endsWith(QLatin1String(".safetensors"))) {
                copyFile(dataPath(folder + QLatin1Char('/') + name), copy + QLatin1Char('/') + name);
            }
        }
        return copy;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        for (const Configuration &c : kConfigurations) {
            QString error;
            auto fromJson = WordPieceTokenizer::load(dataPath(QLatin1String(c.folder)), &error);
            QVERIFY2(fromJson, qPrintable(error));
            auto fromVocab = WordPieceTokenizer::load(folderWithoutTokenizerJson(QLatin1String(c.folder)), &error);
            QVERIFY2(fromVocab, qPrintable(error));
            m_tokenizers.insert(QLatin1String(c.name) + QStringLiteral(" tokenizer.json"), fromJson);
            m_tokenizers.insert(QLatin1String(c.name) + QStringLiteral(" vocab.txt"), fromVocab);
        }
    }

    void settingsFromTheFolders()
    {
        const WordPieceSettings &a =
            m_tokenizers.value(QStringLiteral("multilingual-cased tokenizer.json"))->settings();
        QVERIFY(!a.lowercase && !a.stripAccents && a.cleanText && a.handleChineseChars);
        QCOMPARE(a.maxLength, 128); // sentence_bert_config.json max_seq_length, not model_max_length 512
        const WordPieceSettings &b = m_tokenizers.value(QStringLiteral("chinese-clip vocab.txt"))->settings();
        QVERIFY(b.lowercase && b.stripAccents && b.cleanText && b.handleChineseChars);
        QCOMPARE(b.maxLength, 52); // cn_clip's context length
        for (const auto &tokenizer : m_tokenizers) {
            QCOMPARE(tokenizer->vocabularySize(), 3053);
            QCOMPARE(tokenizer->padId(), 0);
        }
    }

    void referenceCases_data()
    {
        QTest::addColumn<QString>("tokenizer");
        QTest::addColumn<QString>("text");
        QTest::addColumn<Ids>("ids");
        QTest::addColumn<QStringList>("tokens");
        int count = 0;
        for (const Configuration &c : kConfigurations) {
            const QJsonArray cases =
                readJson(dataPath(QLatin1String(c.cases))).value(QStringLiteral("cases")).toArray();
            QCOMPARE(cases.size(), 73);
            for (const char *source : {"tokenizer.json", "vocab.txt"}) {
                for (int i = 0; i < cases.size(); ++i) {
                    const QJsonObject k = cases.at(i).toObject();
                    QStringList tokens;
                    for (const QJsonValue &t : k.value(QStringLiteral("tokens")).toArray()) {
                        tokens << t.toString();
                    }
                    const QString tokenizer = QLatin1String(c.name) + QLatin1Char(' ') + QLatin1String(source);
                    QTest::addRow("%s %d", qPrintable(tokenizer), i)
                        << tokenizer << k.value(QStringLiteral("text")).toString()
                        << toIds(k.value(QStringLiteral("ids")).toArray()) << tokens;
                    ++count;
                }
            }
        }
        QCOMPARE(count, 4 * 73);
    }

    void referenceCases()
    {
        QFETCH(QString, tokenizer);
        QFETCH(QString, text);
        QFETCH(Ids, ids);
        QFETCH(QStringList, tokens);
        const auto t = m_tokenizers.value(tokenizer);
        QVERIFY(t);
        const Ids padded = t->encodePadded(text);
        QCOMPARE(idsText(padded), idsText(ids));
        QCOMPARE(t->pieces(t->encode(text)), tokens);
    }

    void modelFixtureTokenIds_data()
    {
        QTest::addColumn<QString>("tokenizer");
        QTest::addColumn<QString>("text");
        QTest::addColumn<Ids>("ids");
        for (const Configuration &c : kConfigurations) {
            const QJsonObject expected = readJson(dataPath(QLatin1String(c.folder) + QStringLiteral("/expected.json")));
            const QJsonArray texts = expected.value(QStringLiteral("texts")).toArray();
            const QJsonArray ids = expected.value(QStringLiteral("token_ids")).toArray();
            QVERIFY(texts.size() >= 10 && texts.size() == ids.size());
            for (const char *source : {"tokenizer.json", "vocab.txt"}) {
                const QString tokenizer = QLatin1String(c.name) + QLatin1Char(' ') + QLatin1String(source);
                for (int i = 0; i < texts.size(); ++i) {
                    QTest::addRow("%s %d", qPrintable(tokenizer), i)
                        << tokenizer << texts.at(i).toString() << toIds(ids.at(i).toArray());
                }
            }
        }
    }

    // tiny-st-multilingual lists them unpadded (as sentence-transformers feeds one text), tiny-chinese-clip padded to
    // 52 (as get_text_features saw them).
    void modelFixtureTokenIds()
    {
        QFETCH(QString, tokenizer);
        QFETCH(QString, text);
        QFETCH(Ids, ids);
        const auto t = m_tokenizers.value(tokenizer);
        const Ids ours = tokenizer.startsWith(QLatin1String("chinese-clip")) ? t->encodePadded(text) : t->encode(text);
        QCOMPARE(idsText(ours), idsText(ids));
    }

    // Every code point of fast_vs_slow_unicode.json, probed like the fixture ('x' + ch + 'x'), must give what the
    // Rust tokenizer gives: kept inside the word, its own word, dropped, or mapped (lower case).
    void rustUnicodeExceptions()
    {
        const QJsonObject json = readJson(dataPath(QStringLiteral("tokenizer/fast_vs_slow_unicode.json")));
        int64_t checked = 0;
        for (const Configuration &c : kConfigurations) {
            const auto t = m_tokenizers.value(QLatin1String(c.name) + QStringLiteral(" tokenizer.json"));
            const QJsonArray ranges =
                json.value(QLatin1String(c.name)).toObject().value(QStringLiteral("ranges")).toArray();
            QVERIFY(ranges.size() > 700);
            int64_t points = 0;
            for (const QJsonValue &value : ranges) {
                const QJsonArray range = value.toArray();
                const uint first = range.at(0).toString().toUInt(nullptr, 16);
                const uint last = range.at(1).toString().toUInt(nullptr, 16);
                const QString fast = range.at(4).toString();
                for (uint cp = first; cp <= last; ++cp) {
                    const char32_t ch = char32_t(cp);
                    const QString text = QStringLiteral("x") + QString::fromUcs4(&ch, 1) + QStringLiteral("x");
                    QStringList expected;
                    if (fast == QLatin1String("keep")) {
                        expected << text;
                    } else if (fast == QLatin1String("isolate")) {
                        expected << QStringLiteral("x") << QString::fromUcs4(&ch, 1) << QStringLiteral("x");
                    } else if (fast == QLatin1String("drop")) {
                        expected << QStringLiteral("xx");
                    } else {
                        QVERIFY2(fast.startsWith(QLatin1String("map:")), qPrintable(fast));
                        QString mapped = QStringLiteral("x");
                        for (const QString &hex : fast.mid(4).split(QLatin1Char(' '))) {
                            const char32_t m = char32_t(hex.toUInt(nullptr, 16));
                            mapped += QString::fromUcs4(&m, 1);
                        }
                        expected << mapped + QStringLiteral("x");
                    }
                    const QStringList words = t->words(text);
                    if (words != expected) {
                        QFAIL(qPrintable(QStringLiteral("%1 U+%2 (%3): got [%4], Rust gives [%5]")
                                             .arg(QLatin1String(c.name))
                                             .arg(cp, 4, 16, QLatin1Char('0'))
                                             .arg(range.at(2).toString(), words.join(QLatin1Char('|')),
                                                  expected.join(QLatin1Char('|')))));
                    }
                    ++points;
                }
            }
            QCOMPARE(points, json.value(QLatin1String(c.name)).toObject().value(QStringLiteral("count")).toInteger());
            checked += points;
        }
        QVERIFY(checked > 1'600'000);
    }

    // sentence-transformers' do_lower_case runs Python's str.lower() on the whole text first, final sigma included:
    // 'ΟΔΟΣ Straße İstanbul'.lower() == 'οδος straße i̇stanbul' (Python 3.11).
    void sentenceTransformersLowerCase()
    {
        const QString folder = m_dir.filePath(QStringLiteral("st-lower"));
        QDir().mkpath(folder);
        for (const char *name : {"modules.json", "config.json", "tokenizer.json", "tokenizer_config.json"}) {
            QVERIFY(copyFile(dataPath(QStringLiteral("tiny-st-multilingual/") + QLatin1String(name)),
                             folder + QLatin1Char('/') + QLatin1String(name)));
        }
        QVERIFY(writeFile(folder + QStringLiteral("/sentence_bert_config.json"),
                          R"({"max_seq_length": 16, "do_lower_case": true})"));
        QString error;
        const auto t = WordPieceTokenizer::load(folder, &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(t->maxLength(), 16);
        QCOMPARE(t->words(QStringLiteral("ΟΔΟΣ Straße İstanbul [SEP]")),
                 QStringList({QStringLiteral("\u03bf\u03b4\u03bf\u03c2"), QStringLiteral("straße"),
                              QStringLiteral("i\u0307stanbul"), QStringLiteral("["), QStringLiteral("sep"),
                              QStringLiteral("]")}));
    }

    // Only the text up to the last kept piece is worked on; whatever the input, a query answers quickly.
    void hugeInputsAnswerQuickly()
    {
        const auto t = m_tokenizers.value(QStringLiteral("chinese-clip tokenizer.json"));
        const QString sentence = QStringLiteral("海边的日落 sunset, café crème! ");
        QString text;
        while (text.size() < 1024 * 1024) {
            text += sentence;
        }
        const QStringList inputs = {text,
                                    QString(1024 * 1024, QLatin1Char('a')),
                                    QString(1024 * 1024, QChar(0x4E00)),
                                    QString(1024 * 1024, QLatin1Char(' ')) + QStringLiteral("cat"),
                                    QString(1024 * 1024, QChar(0x0301)),
                                    QString(512 * 1024, QLatin1Char('[')) + QStringLiteral("[SEP]")};
        for (const QString &input : inputs) {
            QElapsedTimer timer;
            timer.start();
            QString error;
            const Ids ids = t->encode(input, &error);
            const qint64 ms = timer.elapsed();
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QVERIFY(ids.size() >= 2 && ids.size() <= 52);
            qInfo("%lld ms for %lld characters starting '%s'", ms, qlonglong(input.size()), qPrintable(input.left(8)));
            QVERIFY2(ms < 1000, qPrintable(QStringLiteral("%1 ms for %2 characters").arg(ms).arg(input.size())));
        }
        QCOMPARE(t->encode(text).size(), size_t(52));
        QCOMPARE(t->pieces({t->encode(QString(1024 * 1024, QLatin1Char(' ')) + QStringLiteral("cat"))}),
                 QStringList({QStringLiteral("[CLS]"), QStringLiteral("cat"), QStringLiteral("[SEP]")}));

        QString error;
        QVERIFY(t->encode(QString(WordPieceTokenizer::kMaxTextLength + 1, QLatin1Char('a')), &error).empty());
        QVERIFY(error.contains(QLatin1String("too long")));
    }

    void brokenFolders()
    {
        const QString base = m_dir.filePath(QStringLiteral("broken"));
        const QString source = dataPath(QStringLiteral("tiny-chinese-clip"));
        auto fresh = [&](const QString &name) {
            const QString folder = base + QLatin1Char('/') + name;
            QDir().mkpath(folder);
            copyFile(source + QStringLiteral("/config.json"), folder + QStringLiteral("/config.json"));
            copyFile(source + QStringLiteral("/tokenizer_config.json"),
                     folder + QStringLiteral("/tokenizer_config.json"));
            return folder;
        };
        auto expectError = [](const QString &folder, const QString &part) {
            QString error;
            const auto t = WordPieceTokenizer::load(folder, &error);
            QVERIFY(!t);
            QVERIFY2(error.contains(part), qPrintable(error));
            QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
        };

        expectError(fresh(QStringLiteral("no-vocab")), QStringLiteral("no tokenizer.json or vocab.txt"));
        expectError(base + QStringLiteral("/absent"), QStringLiteral("not a folder"));

        QString folder = fresh(QStringLiteral("long-line"));
        QVERIFY(writeFile(folder + QStringLiteral("/vocab.txt"), "[PAD]\n[UNK]\n" + QByteArray(5000, 'a') + "\n"));
        expectError(folder, QStringLiteral("line 3 is longer than"));

        folder = fresh(QStringLiteral("not-utf8"));
        QVERIFY(writeFile(folder + QStringLiteral("/vocab.txt"), "[PAD]\n[UNK]\n\xff\xfe\n"));
        expectError(folder, QStringLiteral("line 3 is not valid UTF-8"));

        folder = fresh(QStringLiteral("no-unk"));
        QVERIFY(writeFile(folder + QStringLiteral("/vocab.txt"), "[PAD]\n[CLS]\n[SEP]\na\n"));
        expectError(folder, QStringLiteral("no '[UNK]' piece"));

        folder = fresh(QStringLiteral("empty-vocab"));
        QVERIFY(writeFile(folder + QStringLiteral("/vocab.txt"), ""));
        expectError(folder, QStringLiteral("empty"));

        folder = fresh(QStringLiteral("truncated-json"));
        QFile json(source + QStringLiteral("/tokenizer.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QByteArray tokenizerJson = json.readAll();
        QVERIFY(writeFile(folder + QStringLiteral("/tokenizer.json"), tokenizerJson.left(tokenizerJson.size() / 2)));
        expectError(folder, QStringLiteral("not a JSON object"));

        folder = fresh(QStringLiteral("other-normalizer"));
        QByteArray changed = tokenizerJson;
        changed.replace("\"type\": \"BertNormalizer\"", "\"type\": \"NFKC\"");
        QVERIFY(changed != tokenizerJson);
        QVERIFY(writeFile(folder + QStringLiteral("/tokenizer.json"), changed));
        expectError(folder, QStringLiteral("normalizer 'NFKC' is not supported"));

        folder = fresh(QStringLiteral("bad-modules"));
        QVERIFY(writeFile(
            folder + QStringLiteral("/modules.json"),
            R"([{"idx": 0, "name": "0", "path": "../x", "type": "sentence_transformers.models.Transformer"}])"));
        expectError(folder, QStringLiteral("leaves the model folder"));
    }
};

QTEST_GUILESS_MAIN(WordPieceTokenizerTest)
#include "wordpiecetokenizertest.moc"
