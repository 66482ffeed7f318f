// SPDX-License-Identifier: MIT
// clipfind-cli search --text-model DIR --text-tower ... as other tools call it. The cache holds, as each photo's
// row, a reference text feature of tests/data/multilingual/tiny-st-multilingual (expected.json, made by the upstream
// sentence-transformers forward, see that folder's README), stored under the id of a small CLIP model with the same
// embedding size (the tiny-hf fixture with its projections cut to 32 rows). A query typed in another language must
// then find the photo whose row is its own reference feature, with a cosine of about 1 (the cache keeps fp16).
#include "clirunner.h"

#include "core/store/librarydatabase.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstring>

using namespace clipfind;
using namespace clipfind::test;

namespace {

QString fixture(const QString &relative)
{
    return QStringLiteral(CLIPFIND_TEST_DATA "/") + relative;
}

QJsonObject readObject(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object();
}

// The tiny-hf safetensors with `text_projection.weight` and `visual_projection.weight` cut to their first `rows`
// rows (row-major float32, so the first rows are the first bytes): a CLIP model whose features have `rows` values.
// Written by hand from the format's definition (8-byte little-endian header length, JSON header, data).
bool writeNarrowedClip(const QString &source, const QString &target, int rows, QString *error)
{
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly)) {
        *error = source + QStringLiteral(": cannot open");
        return false;
    }
    const QByteArray bytes = in.readAll();
    quint64 headerSize = 0;
    std::memcpy(&headerSize, bytes.constData(), 8);
    const QJsonObject header = QJsonDocument::fromJson(bytes.mid(8, qsizetype(headerSize))).object();
    const QByteArray data = bytes.mid(8 + qsizetype(headerSize));
    QStringList names = header.keys();
    names.removeAll(QStringLiteral("__metadata__"));
    std::sort(names.begin(), names.end(), [&header](const QString &a, const QString &b) {
        return header.value(a).toObject().value(QStringLiteral("data_offsets")).toArray().at(0).toInteger()
               < header.value(b).toObject().value(QStringLiteral("data_offsets")).toArray().at(0).toInteger();
    });
    QJsonObject newHeader;
    QByteArray newData;
    int narrowed = 0;
    for (const QString &name : std::as_const(names)) {
        QJsonObject tensor = header.value(name).toObject();
        const QJsonArray offsets = tensor.value(QStringLiteral("data_offsets")).toArray();
        QByteArray content = data.mid(offsets.at(0).toInteger(), offsets.at(1).toInteger() - offsets.at(0).toInteger());
        if (name == QLatin1String("text_projection.weight") || name == QLatin1String("visual_projection.weight")) {
            QJsonArray shape = tensor.value(QStringLiteral("shape")).toArray();
            if (tensor.value(QStringLiteral("dtype")).toString() != QLatin1String("F32") || shape.size() != 2
                || shape.at(0).toInt() < rows) {
                *error = name + QStringLiteral(": not an F32 matrix of at least %1 rows").arg(rows);
                return false;
            }
            content = content.left(qsizetype(rows) * shape.at(1).toInt() * 4);
            shape[0] = rows;
            tensor.insert(QStringLiteral("shape"), shape);
            ++narrowed;
        }
        tensor.insert(QStringLiteral("data_offsets"), QJsonArray{newData.size(), newData.size() + content.size()});
        newHeader.insert(name, tensor);
        newData += content;
    }
    if (narrowed != 2) {
        *error = source + QStringLiteral(": no text_projection.weight and visual_projection.weight");
        return false;
    }
    QByteArray json = QJsonDocument(newHeader).toJson(QJsonDocument::Compact);
    while (json.size() % 8 != 0) {
        json += ' ';
    }
    const quint64 newHeaderSize = quint64(json.size());
    QFile out(target);
    if (!out.open(QIODevice::WriteOnly)) {
        *error = target + QStringLiteral(": cannot write");
        return false;
    }
    out.write(reinterpret_cast<const char *>(&newHeaderSize), 8);
    out.write(json);
    out.write(newData);
    return true;
}

} // namespace

class MultilingualSearchCliTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_photos;
    QString m_dataDir;
    QString m_model;
    QString m_textModel;
    QStringList m_texts; // the reference text of each photo's row
    QStringList m_paths;

    CliRun search(const QString &query, const QStringList &extra)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("CLIPFIND_MODEL"));
        environment.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("xdg-cache")));
        return runCli(QStringList{QStringLiteral("search"), m_photos, query, QStringLiteral("--model"), m_model,
                                  QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("--device"),
                                  QStringLiteral("cpu"), QStringLiteral("--json")}
                          + extra,
                      environment);
    }

    QString pathOf(const QString &text) const { return m_paths.at(m_texts.indexOf(text)); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_photos = m_dir.filePath(QStringLiteral("photos"));
        m_dataDir = m_dir.filePath(QStringLiteral("data"));
        m_model = m_dir.filePath(QStringLiteral("clip-32")); // a Hugging Face folder: config.json + weights
        m_textModel = fixture(QStringLiteral("multilingual/tiny-st-multilingual"));
        QVERIFY(QDir().mkpath(m_photos));
        const QJsonObject expected = readObject(m_textModel + QStringLiteral("/expected.json"));
        const QJsonArray texts = expected.value(QStringLiteral("texts")).toArray();
        const QJsonArray features = expected.value(QStringLiteral("text_features")).toArray();
        QCOMPARE(features.size(), texts.size());
        const int dim = int(features.at(0).toArray().size());
        QCOMPARE(dim, 32);
        QString error;
        QVERIFY(QDir().mkpath(m_model));
        const QString weights = m_model + QStringLiteral("/model.safetensors");
        QVERIFY2(writeNarrowedClip(fixture(QStringLiteral("tiny-hf/model.safetensors")), weights, dim, &error),
                 qPrintable(error));
        QJsonObject config = readObject(fixture(QStringLiteral("tiny-hf/config.json")));
        QVERIFY(config.contains(QStringLiteral("projection_dim")));
        config.insert(QStringLiteral("projection_dim"), dim);
        for (const QString &tower : {QStringLiteral("text_config"), QStringLiteral("vision_config")}) {
            QJsonObject part = config.value(tower).toObject();
            if (part.contains(QStringLiteral("projection_dim"))) {
                part.insert(QStringLiteral("projection_dim"), dim);
            }
            config.insert(tower, part);
        }
        QFile configFile(m_model + QStringLiteral("/config.json"));
        QVERIFY(configFile.open(QIODevice::WriteOnly));
        configFile.write(QJsonDocument(config).toJson());
        configFile.close();

        QFile modelFile(weights); // the model's id: its weights' SHA-256
        QVERIFY(modelFile.open(QIODevice::ReadOnly));
        const QString modelId =
            QString::fromLatin1(QCryptographicHash::hash(modelFile.readAll(), QCryptographicHash::Sha256).toHex());
        std::vector<FileUpdate> updates;
        for (int i = 0; i < texts.size(); ++i) {
            const QString text = texts.at(i).toString();
            if (text.trimmed().isEmpty() || text.size() > 200 || text.startsWith(QLatin1Char('-'))) {
                continue; // no queries one types
            }
            const QString path = QDir(m_photos).filePath(QStringLiteral("photo%1.jpg").arg(i));
            QFile photo(path);
            QVERIFY(photo.open(QIODevice::WriteOnly));
            photo.write(QByteArray::number(i));
            photo.close();
            FileUpdate update;
            update.state.path = path;
            update.state.size = photo.size();
            update.state.mtimeNs = 1;
            update.state.contentHash = QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha256);
            update.state.width = 640;
            update.state.height = 480;
            for (const QJsonValue &value : features.at(i).toArray()) {
                update.embedding.push_back(float(value.toDouble()));
            }
            updates.push_back(update);
            m_texts << text;
            m_paths << path;
        }
        QVERIFY(m_texts.size() >= 8);
        auto database = LibraryDatabase::open(databasePathIn(m_dataDir), &error);
        QVERIFY2(database, qPrintable(error));
        QVERIFY2(database->writeBatch(modelId, updates, {}, &error), qPrintable(error));
    }

    // Under auto (the default), every query outside ASCII goes to the multilingual model and finds its own row.
    void queriesInOtherLanguagesFindTheirRow()
    {
        int checked = 0;
        for (const QString &text : {QStringLiteral("一只猫在沙发上"), QStringLiteral("한국어 텍스트"),
                                    QStringLiteral("日本語のテキスト"), QStringLiteral("русский текст")}) {
            if (!m_texts.contains(text)) {
                continue;
            }
            const CliRun run =
                search(text, {QStringLiteral("--text-model"), m_textModel, QStringLiteral("-k"), QStringLiteral("3")});
            QVERIFY2(run.exitCode == 0, run.err.constData());
            const QJsonObject out = QJsonDocument::fromJson(run.out).object();
            QCOMPARE(out.value(QStringLiteral("query")).toString(), text);
            const QJsonArray results = out.value(QStringLiteral("results")).toArray();
            QCOMPARE(results.size(), 3);
            const QJsonObject top = results.at(0).toObject();
            QCOMPARE(top.value(QStringLiteral("path")).toString(), pathOf(text));
            QVERIFY2(top.value(QStringLiteral("score")).toDouble() > 0.999, qPrintable(text));
            QVERIFY(results.at(1).toObject().value(QStringLiteral("score")).toDouble() < 0.99);
            ++checked;
        }
        QVERIFY(checked >= 3);
    }

    // --text-tower multilingual sends ASCII text to the multilingual model too; clip keeps every query on CLIP's
    // own tower (random weights here: its features are not the reference rows).
    void textTowerChoice()
    {
        const QString english = QStringLiteral("a photo of a cat");
        QVERIFY(m_texts.contains(english));
        CliRun run = search(english, {QStringLiteral("--text-model"), m_textModel, QStringLiteral("--text-tower"),
                                      QStringLiteral("multilingual")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QJsonObject top =
            QJsonDocument::fromJson(run.out).object().value(QStringLiteral("results")).toArray().at(0).toObject();
        QCOMPARE(top.value(QStringLiteral("path")).toString(), pathOf(english));
        QVERIFY(top.value(QStringLiteral("score")).toDouble() > 0.999);

        for (const QStringList &extra : {QStringList{QStringLiteral("--text-model"), m_textModel,
                                                     QStringLiteral("--text-tower"), QStringLiteral("clip")},
                                         QStringList{}}) {
            const QString chinese = QStringLiteral("一只猫在沙发上");
            run = search(chinese, extra);
            QVERIFY2(run.exitCode == 0, run.err.constData());
            top = QJsonDocument::fromJson(run.out).object().value(QStringLiteral("results")).toArray().at(0).toObject();
            QVERIFY2(top.value(QStringLiteral("score")).toDouble() < 0.99, run.out.constData());
        }
    }

    void badOptions()
    {
        CliRun run = search(QStringLiteral("猫"), {QStringLiteral("--text-model"), m_textModel,
                                                   QStringLiteral("--text-tower"), QStringLiteral("french")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("--text-tower"), run.err.constData());
        run = search(QStringLiteral("猫"), {QStringLiteral("--text-tower"), QStringLiteral("multilingual")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("--text-model"), run.err.constData());
        const QString missing = m_dir.filePath(QStringLiteral("no-such-model"));
        run = search(QStringLiteral("猫"), {QStringLiteral("--text-model"), missing});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(missing.toUtf8()), run.err.constData());

        // A folder that is no text model: one line naming it, exit code 1.
        const QString empty = m_dir.filePath(QStringLiteral("empty-model"));
        QVERIFY(QDir().mkpath(empty));
        run = search(QStringLiteral("猫"), {QStringLiteral("--text-model"), empty});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(empty.toUtf8()), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1);
    }

    // The help names both options.
    void help()
    {
        const CliRun run = runCli({QStringLiteral("search"), QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("--text-model"));
        QVERIFY(run.out.contains("--text-tower"));
    }
};

QTEST_GUILESS_MAIN(MultilingualSearchCliTest)
#include "multilingualsearchclitest.moc"
