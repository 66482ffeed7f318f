// SPDX-License-Identifier: MIT
// Tests for the engine's JSON (core/clip/formats/json.h, on nlohmann-json). QJsonDocument serves as an independent
// parser to compare against; the expected sizes come from Python's json module.
#include "core/clip/formats/json.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace clipfind::clip;

namespace {

std::string readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray bytes = file.readAll();
    return std::string(bytes.constData(), static_cast<size_t>(bytes.size()));
}

json::Value parseOrFail(const std::string &text)
{
    json::Value v;
    std::string error;
    if (!json::parse(text, &v, &error)) {
        qWarning("parse failed: %s", error.c_str());
    }
    return v;
}

uint64_t bitsOf(double d)
{
    uint64_t bits = 0;
    std::memcpy(&bits, &d, sizeof bits);
    return bits;
}

} // namespace

class JsonTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTinyHfConfig()
    {
        json::Value config;
        std::string error;
        QVERIFY(json::parse(readFile(CLIPFIND_TEST_DATA "/tiny-hf/config.json"), &config, &error));
        QVERIFY2(error.empty(), error.c_str());
        QVERIFY(config.isObject());
        // Values as written in tests/data/tiny-hf/config.json.
        QCOMPARE(config.members().front().first, std::string("architectures")); // document order is kept
        QCOMPARE(config["architectures"][0].toString(), std::string("CLIPModel"));
        QCOMPARE(config["model_type"].toString(), std::string("clip"));
        QVERIFY(config["projection_dim"].isInteger());
        QCOMPARE(config["projection_dim"].toInt(), int64_t(48));
        QCOMPARE(config["logit_scale_init_value"].toDouble(), 2.6592);
        QCOMPARE(config["text_config"]["num_attention_heads"].toInt(), int64_t(4));
        QCOMPARE(config["text_config"]["hidden_size"].toInt(), int64_t(32));
        QCOMPARE(config["text_config"]["num_hidden_layers"].toInt(), int64_t(3));
        QCOMPARE(config["text_config"]["vocab_size"].toInt(), int64_t(49408));
        QCOMPARE(config["text_config"]["hidden_act"].toString(), std::string("quick_gelu"));
        QCOMPARE(config["text_config"]["layer_norm_eps"].toDouble(), 1e-05);
        QVERIFY(!config["text_config"]["layer_norm_eps"].isInteger());
        QCOMPARE(config["vision_config"]["patch_size"].toInt(), int64_t(16));
        QCOMPARE(config["vision_config"]["hidden_size"].toInt(), int64_t(64));
        QCOMPARE(config["vision_config"].size(), size_t(10));
        // Absent keys and wrong types fall back instead of throwing.
        QVERIFY(config["no_such_key"].isNull());
        QVERIFY(config["no_such_key"]["deeper"][3].isNull());
        QCOMPARE(config["model_type"].toInt(-7), int64_t(-7));
        QCOMPARE(config["projection_dim"].toString(), std::string());
        QVERIFY(config.contains("vision_config"));
        QVERIFY(!config.contains("vision"));
    }

    void tinyOpenAiExpectedSizes()
    {
        const json::Value expected = parseOrFail(readFile(CLIPFIND_TEST_DATA "/tiny-openai/expected.json"));
        // Sizes as Python's json module reports them:
        //   d = json.load(open('tests/data/tiny-openai/expected.json'))
        //   len(d['texts']) == 41, len(d['tokens']) == 41, {len(r) for r in d['tokens']} == {77},
        //   len(d['text_features']) == 41, rows of 64, len(d['images']) == 13, len(d['image_features']) == 13,
        //   rows of 64, len(d['config']) == 10, d['config']['transformer_heads'] == 2,
        //   d['logit_scale'] == 2.66015625, d['tokens'][0][:5] == [49406, 320, 1125, 539, 320],
        //   d['texts'][17] == '日本語のテキスト', d['texts'][22] == ''
        QCOMPARE(expected["texts"].size(), size_t(41));
        QCOMPARE(expected["tokens"].size(), size_t(41));
        for (const json::Value &row : expected["tokens"].array()) {
            QCOMPARE(row.size(), size_t(77));
        }
        QCOMPARE(expected["text_features"].size(), size_t(41));
        for (const json::Value &row : expected["text_features"].array()) {
            QCOMPARE(row.size(), size_t(64));
        }
        QCOMPARE(expected["images"].size(), size_t(13));
        QCOMPARE(expected["image_features"].size(), size_t(13));
        for (const json::Value &row : expected["image_features"].array()) {
            QCOMPARE(row.size(), size_t(64));
        }
        QCOMPARE(expected["config"].size(), size_t(10));
        QCOMPARE(expected["config"]["transformer_heads"].toInt(), int64_t(2));
        QCOMPARE(expected["logit_scale"].toDouble(), 2.66015625);
        const int64_t firstTokens[] = {49406, 320, 1125, 539, 320};
        for (size_t i = 0; i < 5; ++i) {
            QCOMPARE(expected["tokens"][0][i].toInt(), firstTokens[i]);
        }
        QCOMPARE(expected["texts"][17].toString(), std::string("日本語のテキスト"));
        QCOMPARE(expected["texts"][22].toString(), std::string());
    }

    void numbersMatchQJsonDocument()
    {
        const std::string text = readFile(CLIPFIND_TEST_DATA "/tiny-openai/expected.json");
        const json::Value ours = parseOrFail(text);
        QJsonParseError qtError;
        const QJsonDocument theirs = QJsonDocument::fromJson(QByteArray::fromStdString(text), &qtError);
        QCOMPARE(qtError.error, QJsonParseError::NoError);
        int compared = 0;
        for (const char *key : {"text_features", "image_features"}) {
            const QJsonArray rows = theirs[QLatin1String(key)].toArray();
            QCOMPARE(size_t(rows.size()), ours[key].size());
            for (qsizetype r = 0; r < rows.size(); ++r) {
                const QJsonArray row = rows[r].toArray();
                QCOMPARE(size_t(row.size()), ours[key][size_t(r)].size());
                for (qsizetype c = 0; c < row.size(); ++c) {
                    // Both parsers must produce the correctly rounded double: compare bits, not a tolerance.
                    QCOMPARE(bitsOf(ours[key][size_t(r)][size_t(c)].toDouble()), bitsOf(row[c].toDouble()));
                    ++compared;
                }
            }
        }
        QCOMPARE(compared, 41 * 64 + 13 * 64);
        // Strings, including CJK, emoji, tabs and newlines, decode to the same text.
        const QJsonArray texts = theirs[QStringLiteral("texts")].toArray();
        for (qsizetype i = 0; i < texts.size(); ++i) {
            QCOMPARE(QString::fromStdString(ours["texts"][size_t(i)].toString()), texts[i].toString());
        }
    }

    void roundTrip()
    {
        const std::string text = readFile(CLIPFIND_TEST_DATA "/tiny-openai/expected.json");
        const json::Value original = parseOrFail(text);
        const std::string once = json::serialize(original);
        const json::Value reparsed = parseOrFail(once);
        QCOMPARE(json::serialize(reparsed), once);
        for (size_t r = 0; r < 41; ++r) {
            for (size_t c = 0; c < 64; ++c) {
                QCOMPARE(bitsOf(reparsed["text_features"][r][c].toDouble()),
                         bitsOf(original["text_features"][r][c].toDouble()));
            }
        }
        QCOMPARE(reparsed["texts"][20].toString(), original["texts"][20].toString());

        // Compact output, integers as integers and doubles as doubles (3e2 is "300.0", as Python's json module writes
        // it), escapes for quotes, backslashes and control characters, UTF-8 passed through unescaped.
        const json::Value v = parseOrFail(" { \"a\" : [ 1 , 2.5 , -0.125, 3e2, \"x\\n\\\"\\\\\\u0001\\u001f/\" ] ,"
                                          " \"\xC3\xA9\" : { } , \"e\" : [ ] , \"t\" : true , \"n\" : null } ");
        QCOMPARE(json::serialize(v),
                 std::string("{\"a\":[1,2.5,-0.125,300.0,\"x\\n\\\"\\\\\\u0001\\u001f/\"],\"\xC3\xA9\":{},\"e\":[],"
                             "\"t\":true,\"n\":null}"));

        // Shortest round-trip doubles: values that %.9g or %.15g would lose survive exactly.
        const double doubles[] = {0.1,
                                  1.0 / 3.0,
                                  2.6592,
                                  1e-300,
                                  5e-324,
                                  1.7976931348623157e308,
                                  -2.880815267562866,
                                  1e21,
                                  123456789.123456789,
                                  0.30000000000000004};
        for (double d : doubles) {
            const std::string s = json::serialize(json::Value::makeNumber(d, 0, false));
            const json::Value back = parseOrFail(s);
            QVERIFY2(back.isNumber(), s.c_str());
            QCOMPARE(bitsOf(back.toDouble()), bitsOf(d));
        }
        QCOMPARE(json::serialize(json::Value::makeNumber(0.1, 0, false)), std::string("0.1"));
        QCOMPARE(json::serialize(json::Value::makeNumber(std::nan(""), 0, false)), std::string("null"));
        // Invalid UTF-8 handed to the serializer still yields valid JSON (U+FFFD).
        QCOMPARE(json::serialize(json::Value::makeString("a\xFF"
                                                         "b")),
                 std::string("\"a\xEF\xBF\xBD"
                             "b\""));
    }

    void rejectsMalformedInput_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        // The texts are nlohmann-json's (offsets: the byte where the problem was found); each case must stay an error.
        const QString valueExpected = QStringLiteral("expected '[', '{', or a literal");
        QTest::newRow("empty") << QByteArray("") << "unexpected end of input; " + valueExpected + " at offset 0";
        QTest::newRow("whitespace only") << QByteArray("  \n")
                                         << "unexpected end of input; " + valueExpected + " at offset 3";
        QTest::newRow("unclosed object") << QByteArray("{")
                                         << "object key - unexpected end of input; expected string literal at offset 1";
        QTest::newRow("unclosed array") << QByteArray("[1,2")
                                        << "array - unexpected end of input; expected ']' at offset 4";
        QTest::newRow("trailing comma") << QByteArray("[1,]") << "unexpected ']'; " + valueExpected + " at offset 3";
        QTest::newRow("missing colon") << QByteArray("{\"a\" 1}")
                                       << "unexpected number literal; expected ':' at offset 5";
        QTest::newRow("single quotes") << QByteArray("{'a':1}")
                                       << "object key - invalid literal; "
                                          "last read: '{''; expected string literal at offset 1";
        QTest::newRow("leading zero") << QByteArray("[01]") << "unexpected number literal; expected ']' at offset 2";
        QTest::newRow("bare dot") << QByteArray("1.") << "expected digit after '.'; last read: '1.' at offset 2";
        QTest::newRow("lone minus") << QByteArray("-") << "expected digit after '-'; last read: '-' at offset 1";
        QTest::newRow("empty exponent") << QByteArray("1e+")
                                        << "expected digit after exponent sign; last read: '1e+' at offset 3";
        QTest::newRow("NaN") << QByteArray("NaN") << "invalid literal; last read: 'N' at offset 0";
        QTest::newRow("truncated literal") << QByteArray("tru") << "invalid literal; last read: 'tru' at offset 3";
        QTest::newRow("unterminated string")
            << QByteArray("\"abc") << "missing closing quote; last read: '\"abc' at offset 4";
        QTest::newRow("bad escape") << QByteArray("\"a\\x\"")
                                    << "forbidden character after backslash; last read: '\"a\\x' at offset 3";
        QTest::newRow("bad hex") << QByteArray("\"\\u12G4\"")
                                 << "'\\u' must be followed by 4 hex digits; last read: '\"\\u12G' at offset 5";
        QTest::newRow("lone high surrogate") << QByteArray("\"\\uD800x\"")
                                             << "surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; "
                                                "last read: '\"\\uD800x' at offset 7";
        QTest::newRow("high + non-low") << QByteArray("\"\\uD83D\\u0041\"")
                                        << "surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; "
                                           "last read: '\"\\uD83D\\u0041' at offset 12";
        QTest::newRow("lone low surrogate") << QByteArray("\"ab\\uDE00\"")
                                            << "surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF; "
                                               "last read: '\"ab\\uDE00' at offset 8";
        QTest::newRow("raw tab in string") << QByteArray("[\"a\tb\"]")
                                           << "control character U+0009 (HT) must be escaped to \\u0009 or \\t; "
                                              "last read: '\"a<U+0009>' at offset 3";
        // Bytes that are not ASCII show as \xNN, so the message is plain ASCII whatever the input held.
        QTest::newRow("invalid UTF-8") << QByteArray("\"a\xFF\"")
                                       << "ill-formed UTF-8 byte; last read: '\"a\\xFF' at offset 2";
        QTest::newRow("overlong UTF-8") << QByteArray("\"\xC0\xAF\"")
                                        << "ill-formed UTF-8 byte; last read: '\"\\xC0' at offset 1";
        QTest::newRow("UTF-8 surrogate") << QByteArray("\"\xED\xA0\x80\"")
                                         << "ill-formed UTF-8 byte; last read: '\"\\xED\\xA0' at offset 2";
        QTest::newRow("trailing data") << QByteArray("[1] 2")
                                       << "unexpected number literal; expected end of input at offset 4";
        QTest::newRow("two values") << QByteArray("{}{}") << "unexpected '{'; expected end of input at offset 2";
        // Ours (nlohmann keeps the last of duplicate keys): the offset is the key's closing quote.
        QTest::newRow("duplicate key") << QByteArray("{\"a\":1,\"b\":2,\"a\":3}") << "duplicate key \"a\" at offset 15";
        QTest::newRow("huge number") << QByteArray("[1e400]") << "number overflow parsing '1e400' at offset 5";
        QTest::newRow("control byte") << QByteArray("\x01") << "invalid literal; last read: '<U+0001>' at offset 0";
        // Ours too: nlohmann's lexer would take a NUL byte for the end of the text and accept "[1]".
        QTest::newRow("embedded NUL") << QByteArray("[1]\0", 4) << "unexpected byte 0x00 at offset 3";
        QTest::newRow("NUL in a string") << QByteArray("[\"a\0b\"]", 7) << "unexpected byte 0x00 at offset 3";
        // A long offending token is cut to its last bytes: the message stays one short line.
        QTest::newRow("unterminated long string")
            << QByteArray("[\"" + QByteArray(100000, 'x'))
            << "missing closing quote; last read: '..." + QString(32, QLatin1Char('x')) + "' at offset 100002";
    }

    void rejectsMalformedInput()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        json::Value v = json::Value::makeString("untouched");
        std::string error;
        QVERIFY(!json::parse(text.toStdString(), &v, &error));
        QVERIFY2(QString::fromStdString(error).contains(expected), error.c_str());
        QVERIFY2(error.find('\n') == std::string::npos && error.size() < 200, error.c_str()); // one short line
        QCOMPARE(v.toString(), std::string("untouched"));            // failure leaves the output alone
        QVERIFY(!json::parse(text.toStdString(), nullptr, nullptr)); // null out-parameters are allowed
    }

    void acceptsEdgeCases()
    {
        QCOMPARE(parseOrFail("\xEF\xBB\xBF{\"a\":1}")["a"].toInt(), int64_t(1)); // a UTF-8 BOM is ignored
        QCOMPARE(parseOrFail(" \t\r\n7 \t\r\n").toInt(), int64_t(7));
        QCOMPARE(parseOrFail("\"\\/\\b\\f\\r\\t\"").toString(), std::string("/\b\f\r\t"));
        QCOMPARE(parseOrFail("\"\\u0000\"").toString(), std::string("\0", 1));
        QCOMPARE(parseOrFail("1E2").toDouble(), 100.0);
        QCOMPARE(parseOrFail("-0.5e-1").toDouble(), -0.05);
        // Underflow rounds to zero like every other parser; only overflow is an error.
        QCOMPARE(parseOrFail("1e-400").toDouble(), 0.0);
        QVERIFY(std::signbit(parseOrFail("-1e-400").toDouble()));
        QVERIFY(parseOrFail("[]").isArray());
        QVERIFY(parseOrFail("{}").isObject());
        QVERIFY(parseOrFail("false").isBool());
        QVERIFY(!parseOrFail("false").toBool(true));
    }

    void surrogatePairs()
    {
        // U+1F600 GRINNING FACE as a UTF-16 pair -> 4 UTF-8 bytes; mixed-case hex digits are fine.
        QCOMPARE(parseOrFail("\"\\uD83D\\uDE00\"").toString(), std::string("\xF0\x9F\x98\x80"));
        QCOMPARE(parseOrFail("\"\\ud83d\\uDe00\"").toString(), std::string("\xF0\x9F\x98\x80"));
        // The highest code point, U+10FFFF.
        QCOMPARE(parseOrFail("\"\\uDBFF\\uDFFF\"").toString(), std::string("\xF4\x8F\xBF\xBF"));
        // 1-, 2- and 3-byte forms around a pair.
        QCOMPARE(parseOrFail("\"A\\u00e9\\u20AC\\uD83D\\uDC36z\"").toString(),
                 std::string("A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x90\xB6z"));
        // Raw UTF-8 input is kept as is, and serialized without escaping.
        const std::string dog = "\"emoji \xF0\x9F\x90\xB6\"";
        QCOMPARE(json::serialize(parseOrFail(dog)), dog);
        // QJsonDocument agrees on the escaped pair.
        const QJsonDocument qt = QJsonDocument::fromJson("[\"\\uD83D\\uDE00\"]");
        QCOMPARE(QString::fromStdString(parseOrFail("[\"\\uD83D\\uDE00\"]")[0].toString()), qt[0].toString());
    }

    void int64Exactness()
    {
        // 2^53 + 1 is the first integer a double cannot hold; safetensors offsets must not be rounded.
        const json::Value v = parseOrFail("[9007199254740993, 9223372036854775807, -9223372036854775808, "
                                          "9223372036854775808, 2.5, 1e3, -0]");
        QVERIFY(v[0].isInteger());
        QCOMPARE(v[0].toInt(), int64_t(9007199254740993LL));
        QCOMPARE(v[1].toInt(), std::numeric_limits<int64_t>::max());
        QCOMPARE(v[2].toInt(), std::numeric_limits<int64_t>::min());
        // 2^63 does not fit: it becomes a double and is not an integer any more.
        QVERIFY(!v[3].isInteger());
        QCOMPARE(v[3].toDouble(), 9223372036854775808.0);
        QCOMPARE(v[3].toInt(-1), int64_t(-1));
        QCOMPARE(v[4].toInt(-1), int64_t(-1)); // a fraction is not silently truncated
        QVERIFY(!v[5].isInteger());
        QCOMPARE(v[5].toInt(-1), int64_t(1000)); // but an integral double converts
        // Integers print as integers, digit for digit, and an integral double as a double. (2^63 prints in whatever
        // shortest form the writer picks, "9223372036854775808" or "9.223372036854776e+18"; both parse back to the
        // same double.)
        QCOMPARE(json::serialize(json::Value::makeArray({v[0], v[1], v[2], v[4], v[5], v[6]})),
                 std::string("[9007199254740993,9223372036854775807,-9223372036854775808,2.5,1000.0,0]"));
        QCOMPARE(parseOrFail(json::serialize(v[3])).toDouble(), 9223372036854775808.0);
        QCOMPARE(json::serialize(json::Value::makeNumber(0, 9007199254740993LL, true)),
                 std::string("9007199254740993"));
    }

    void deepNesting()
    {
        const auto nested = [](int depth) { return std::string(size_t(depth), '[') + std::string(size_t(depth), ']'); };
        json::Value v;
        std::string error;
        QVERIFY2(json::parse(nested(256), &v, &error), error.c_str());
        QVERIFY(!json::parse(nested(257), &v, &error));
        QCOMPARE(error, std::string("nesting deeper than 256 levels at offset 256"));
        // Hostile depth far beyond the stack's reach fails cleanly rather than overflowing it.
        QVERIFY(!json::parse(std::string(1000000, '['), &v, &error));
        QVERIFY2(error.find("nesting deeper") != std::string::npos, error.c_str());
        std::string objects;
        for (int i = 0; i < 100000; ++i) {
            objects += "{\"a\":";
        }
        QVERIFY(!json::parse(objects, &v, &error));
        QVERIFY2(error.find("nesting deeper than 256 levels at offset 1280") != std::string::npos, error.c_str());
    }
};

QTEST_GUILESS_MAIN(JsonTest)
#include "jsontest.moc"
