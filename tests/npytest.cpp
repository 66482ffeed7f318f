// SPDX-License-Identifier: MIT
// Tests for the .npy reader/writer (core/clip/npy.h). Reference values come from NumPy (cited per test); the
// tests themselves need no Python.
#include "core/clip/formats/npy.h"
#include "testfiles.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>

using namespace clipfind::clip;

using namespace clipfind::test;

namespace {

const QString kLandscape = QStringLiteral(CLIPFIND_TEST_DATA "/preprocessed/landscape_2000x1500.jpg.npy");

uint32_t bitsOf(float f)
{
    uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    return bits;
}

/// Builds a .npy file by hand: version `major`.0, the given header dict (padded like NumPy), float data.
QByteArray handMadeNpy(int major, const QByteArray &dict, const QByteArray &data)
{
    const int prefixSize = major == 1 ? 10 : 12;
    QByteArray header = dict;
    while ((prefixSize + header.size() + 1) % 64 != 0) {
        header += ' ';
    }
    header += '\n';
    QByteArray out("\x93NUMPY", 6);
    out += char(major);
    out += char(0);
    const quint32 n = quint32(header.size());
    out += char(n & 0xFF);
    out += char((n >> 8) & 0xFF);
    if (major > 1) {
        out += char((n >> 16) & 0xFF);
        out += char((n >> 24) & 0xFF);
    }
    return out + header + data;
}

} // namespace

class NpyTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsReferenceImage()
    {
        NpyArray array;
        std::string error;
        QVERIFY2(readNpy(kLandscape.toStdString(), &array, &error), error.c_str());
        QCOMPARE(array.shape, (std::vector<int64_t>{3, 224, 224}));
        QCOMPARE(array.values.size(), size_t(3 * 224 * 224));
        // From numpy 1.24.2:
        //   a = np.load('tests/data/preprocessed/landscape_2000x1500.jpg.npy')   # (3, 224, 224) float32
        //   a[0,0,0] = -0.055049795657396317 (bytes e57b61bd), a[1,100,57] = 1.039347767829895 (5909853f),
        //   a[2,223,223] = -0.7549964189529419 (724741bf), a[2,111,200] = 1.6339746713638306 (1526d13f),
        //   a.min() = -1.7922625541687012, a.max() = 2.1458969116210938, a.astype(np.float64).sum() = 28216.82596687798
        const auto at = [&](int c, int y, int x) { return array.values[size_t((c * 224 + y) * 224 + x)]; };
        QCOMPARE(bitsOf(at(0, 0, 0)), 0xbd617be5u);
        QCOMPARE(bitsOf(at(1, 100, 57)), 0x3f850959u);
        QCOMPARE(bitsOf(at(2, 223, 223)), 0xbf414772u);
        QCOMPARE(bitsOf(at(2, 111, 200)), 0x3fd12615u);
        QCOMPARE(double(at(0, 0, 0)), -0.055049795657396317);
        float lo = array.values[0], hi = array.values[0];
        double sum = 0;
        for (float v : array.values) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            sum += v;
        }
        QCOMPARE(double(lo), -1.7922625541687012);
        QCOMPARE(double(hi), 2.1458969116210938);
        QVERIFY(std::abs(sum - 28216.82596687798) < 1e-6); // summation order differs from NumPy's pairwise sum
    }

    void writesNumpyIdenticalBytes()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // Header per the NPY 1.0 spec as numpy 1.24.2 writes it for np.save(f, np.array(..., '<f4').reshape(2, 3)):
        // magic "\x93NUMPY", version 1 0, header length 118 (0x76 0x00) little-endian, the dict with sorted keys
        // and a trailing ", ", spare spaces, padding to a multiple of 64 bytes ending in '\n'; file size 152.
        // Data bytes for [1.5, -2, 0.1, 3.4028234663852886e38, 1e-45, -0.0]:
        //   0000c03f 000000c0 cdcccc3d ffff7f7f 01000000 00000080
        const float values[] = {1.5f, -2.0f, 0.1f, 3.4028234663852886e38f, 1e-45f, -0.0f};
        const QString path = dir.filePath(QStringLiteral("small.npy"));
        std::string error;
        QVERIFY2(writeNpy(path.toStdString(), {2, 3}, values, &error), error.c_str());
        const QByteArray bytes = readBytes(path);
        QCOMPARE(bytes.size(), qsizetype(152));
        QCOMPARE(bytes.left(10), QByteArray("\x93NUMPY\x01\x00\x76\x00", 10));
        const QByteArray dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
        QCOMPARE(bytes.mid(10, 118), dict + QByteArray(117 - dict.size(), ' ') + '\n');
        QCOMPARE(bytes.mid(128).toHex(), QByteArray("0000c03f000000c0cdcccc3dffff7f7f0100000000000080"));

        NpyArray back;
        QVERIFY2(readNpy(path.toStdString(), &back, &error), error.c_str());
        QCOMPARE(back.shape, (std::vector<int64_t>{2, 3}));
        for (size_t i = 0; i < 6; ++i) {
            QCOMPARE(bitsOf(back.values[i]), bitsOf(values[i]));
        }

        // Reading the reference file and writing it back reproduces NumPy's file byte for byte.
        NpyArray reference;
        QVERIFY2(readNpy(kLandscape.toStdString(), &reference, &error), error.c_str());
        const QString copy = dir.filePath(QStringLiteral("copy.npy"));
        QVERIFY2(writeNpy(copy.toStdString(), reference.shape, reference.values.data(), &error), error.c_str());
        QCOMPARE(readBytes(copy), readBytes(kLandscape));
    }

    void writesOtherShapes()
    {
        // numpy 1.24.2: shape () gives a 132-byte file (header 118, no spare spaces), (5,) 148 bytes, (0, 4) 128.
        QTemporaryDir dir;
        std::string error;
        const float one = 42.0f;
        const struct {
            std::vector<int64_t> shape;
            qsizetype fileSize;
            const char *shapeText;
        } cases[] = {{{}, 132, "()"}, {{5}, 148, "(5,)"}, {{0, 4}, 128, "(0, 4)"}};
        const float five[] = {1, 2, 3, 4, 5};
        for (const auto &c : cases) {
            const QString path = dir.filePath(QString::fromLatin1(c.shapeText) + QStringLiteral(".npy"));
            QVERIFY2(writeNpy(path.toStdString(), c.shape, c.shape.size() == 1 ? five : &one, &error), error.c_str());
            const QByteArray bytes = readBytes(path);
            QCOMPARE(bytes.size(), c.fileSize);
            QVERIFY(bytes.mid(10, 118).contains(QByteArray("'shape': ") + c.shapeText + ", }"));
            NpyArray back;
            QVERIFY2(readNpy(path.toStdString(), &back, &error), error.c_str());
            QCOMPARE(back.shape, c.shape);
        }
        QVERIFY(!writeNpy(dir.filePath(QStringLiteral("bad.npy")).toStdString(), {2, -1}, five, &error));
        QVERIFY2(error.find("invalid shape") != std::string::npos, error.c_str());
        QVERIFY(!writeNpy(dir.filePath(QStringLiteral("no/such/dir.npy")).toStdString(), {1}, five, &error));
        QVERIFY2(error.find("no/such/dir.npy: cannot open for writing") != std::string::npos, error.c_str());
    }

    void readsVersions2And3()
    {
        QTemporaryDir dir;
        const QByteArray data("\x00\x00\xc0\x3f\x00\x00\x00\xc0", 8); // 1.5, -2.0
        for (int major : {2, 3}) {
            const QString path = dir.filePath(QStringLiteral("v%1.npy").arg(major));
            QVERIFY(writeBytes(
                path, handMadeNpy(major, "{\"descr\": \"<f4\", \"shape\": (2,), \"fortran_order\": False}", data)));
            NpyArray array;
            std::string error;
            QVERIFY2(readNpy(path.toStdString(), &array, &error), error.c_str());
            QCOMPARE(array.shape, (std::vector<int64_t>{2}));
            QCOMPARE(array.values, (std::vector<float>{1.5f, -2.0f}));
        }
    }

    void reportsErrors_data()
    {
        QTest::addColumn<QByteArray>("content"); // empty with "missing" means: do not create the file
        QTest::addColumn<QString>("expected");
        const QByteArray reference = readBytes(kLandscape);
        const QByteArray f4(8, '\0');
        QTest::newRow("missing") << QByteArray() << "no such file";
        QTest::newRow("empty") << QByteArray("") << "file is empty";
        QTest::newRow("not npy") << readBytes(QStringLiteral(CLIPFIND_TEST_DATA "/tiny-hf/config.json"))
                                 << "not a .npy file (bad magic)";
        QTest::newRow("truncated data") << reference.left(
            1000) << "truncated data: shape (3, 224, 224) needs 602112 bytes, only 872 follow the header";
        QTest::newRow("truncated header") << reference.left(50) << "truncated header";
        QTest::newRow("trailing bytes") << reference + "xx"
                                        << "2 unexpected bytes after the data";
        QTest::newRow("float64") << handMadeNpy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", f4)
                                 << "unsupported dtype '<f8'";
        QTest::newRow("big endian") << handMadeNpy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", f4)
                                    << "unsupported dtype '>f4'";
        QTest::newRow("fortran") << handMadeNpy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2), }", f4)
                                 << "Fortran-order arrays are not supported";
        QTest::newRow("version 4") << QByteArray("\x93NUMPY\x04\x00\x00\x00", 10) << "unsupported .npy version 4.0";
        QTest::newRow("garbage header") << handMadeNpy(1, "not a dict", f4) << "header is not a Python dict";
        QTest::newRow("missing shape") << handMadeNpy(1, "{'descr': '<f4', 'fortran_order': False}", f4)
                                       << "header lacks one of";
        QTest::newRow("huge shape") << handMadeNpy(
            1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", f4)
                                    << "shape (4611686018427387904, 4) is too large";
    }

    void reportsErrors()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("input.npy"));
        if (QTest::currentDataTag() != QLatin1String("missing")) {
            QVERIFY(writeBytes(path, content));
        }
        NpyArray array;
        array.shape = {7};
        std::string error;
        QVERIFY(!readNpy(path.toStdString(), &array, &error));
        const QString message = QString::fromStdString(error);
        QVERIFY2(message.startsWith(path + QStringLiteral(": ")), error.c_str()); // names the file
        QVERIFY2(message.contains(expected), error.c_str());
        QCOMPARE(array.shape, (std::vector<int64_t>{7})); // untouched on failure
    }

    // Issue 11, found by fuzzing (fuzz/fuzz_formats.cpp): a key or dtype holding a newline was quoted as is, a
    // two-line error. Now text from the file is quoted with control bytes as \xNN.
    void quotesHeaderTextOnOneLine_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("key") << "npy-newline-key.npy"
                             << "header has unexpected key 'shape\\x00\\x00\\x00\\x0a'";
        QTest::newRow("dtype") << "npy-newline-dtype.npy"
                               << "unsupported dtype '<f4\\x0a'";
    }

    void quotesHeaderTextOnOneLine()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        const QString path = QStringLiteral(CLIPFIND_TEST_DATA "/hostile/") + file;
        std::string error;
        QVERIFY(!readNpy(path.toStdString(), nullptr, &error));
        const QString message = QString::fromStdString(error);
        QVERIFY2(!message.contains(QLatin1Char('\n')) && !message.contains(QChar(0)), error.c_str());
        QVERIFY2(message.startsWith(path + QStringLiteral(": ")), error.c_str());
        QVERIFY2(message.contains(expected), error.c_str());
    }
};

QTEST_GUILESS_MAIN(NpyTest)
#include "npytest.moc"
