// SPDX-License-Identifier: MIT
// The TorchScript archive reader reads OpenAI's archives as data: the same tensors, bit for bit, as libtorch's
// own loader (the independent oracle here) without compiling or running anything; and the crafted archives of
// tests/data/hostile (code that creates a marker file, pickles naming os.system / builtins.eval, forged shapes,
// offsets and sizes) end with one line each, while the marker never appears.
#include "fixturedata.h"
#include "testfiles.h"

#include "core/clip/checkpoint/torchpickle.h"
#include "core/clip/checkpoint/torchscriptarchive.h"
#include "core/clip/checkpoint/zipreader.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <torch/script.h>

using namespace clipfind;
using namespace clipfind::test;

namespace {

using TensorMap = std::map<std::string, torch::Tensor>;

const char kMarker[] = "clipfind-hostile-marker";

QString hostile(const QString &name)
{
    return dataPath(QStringLiteral("hostile/") + name);
}

/// Runs `work` with a scratch directory as the working directory (where the crafted payloads would create their
/// marker) and returns whether the marker exists afterwards.
template<typename Work>
bool markerAppearsWhile(Work work)
{
    QTemporaryDir scratch;
    {
        const WorkingDirectoryScope inScratch(scratch.path());
        work();
    }
    return QFileInfo::exists(scratch.filePath(QLatin1String(kMarker)));
}

QString readError(const QString &path, TensorMap *tensors = nullptr)
{
    TensorMap local;
    std::string error;
    if (clip::readTorchScriptTensors(path.toStdString(), tensors ? tensors : &local, &error)) {
        return QString();
    }
    return QString::fromStdString(error);
}

/// libtorch's own loader: compiles the archive's code. Only ever used on the fixtures we generated ourselves.
TensorMap libtorchTensors(const QString &path)
{
    TensorMap out;
    torch::jit::script::Module module = torch::jit::load(path.toStdString(), torch::kCPU);
    for (const auto &p : module.named_parameters(true)) {
        out[p.name] = p.value.detach();
    }
    for (const auto &b : module.named_buffers(true)) {
        out[b.name] = b.value.detach();
    }
    return out;
}

/// A byte string from a literal that may hold NUL bytes.
template<size_t N>
std::string bytes(const char (&literal)[N])
{
    return std::string(literal, N - 1);
}

std::string pickleError(const std::string &bytes)
{
    clip::pickle::PickleData data;
    std::string problem;
    if (clip::pickle::unpickle(reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size(), &data, &problem)) {
        return std::string();
    }
    return problem;
}

} // namespace

class TorchScriptArchiveTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsTheSameTensorsAsLibtorch_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::newRow("tiny-openai") << "tiny-openai/model.pt";
        QTest::newRow("shapes-clip") << "shapes-clip/model.pt";
    }

    void readsTheSameTensorsAsLibtorch()
    {
        QFETCH(QString, fixture);
        const QString path = dataPath(fixture);
        TensorMap ours;
        std::string error;
        QVERIFY2(clip::readTorchScriptTensors(path.toStdString(), &ours, &error), error.c_str());
        const TensorMap reference = libtorchTensors(path);
        QVERIFY(reference.size() > 20);
        QCOMPARE(ours.size(), reference.size());
        int half = 0;
        for (const auto &[name, expected] : reference) {
            const auto it = ours.find(name);
            QVERIFY2(it != ours.end(), name.c_str());
            const torch::Tensor &tensor = it->second;
            QVERIFY2(tensor.scalar_type() == expected.scalar_type(), name.c_str());
            QVERIFY2(tensor.sizes().equals(expected.sizes()), name.c_str());
            QVERIFY2(tensor.strides().equals(expected.strides()), name.c_str());
            QVERIFY2(torch::equal(tensor, expected), name.c_str()); // same bytes, fp16 kept as fp16
            half += tensor.scalar_type() == torch::kHalf;
        }
        // clip-reference.md §4.1 / the fixture README: conv, linear, attention and projection tensors are fp16.
        QVERIFY(half > 10);
        QCOMPARE(ours.at("visual.conv1.weight").scalar_type(), torch::kHalf);
        QCOMPARE(ours.at("token_embedding.weight").scalar_type(), torch::kFloat32);
    }

    void readsFromMemoryAsFromTheFile()
    {
        const QByteArray bytes = readBytes(dataPath(QStringLiteral("tiny-openai/model.pt")));
        TensorMap fromMemory;
        std::string error;
        QVERIFY2(clip::readTorchScriptTensorsFromMemory(bytes.constData(), size_t(bytes.size()), &fromMemory, &error),
                 error.c_str());
        TensorMap fromFile;
        QVERIFY(readError(dataPath(QStringLiteral("tiny-openai/model.pt")), &fromFile).isEmpty());
        QCOMPARE(fromMemory.size(), fromFile.size());
        for (const auto &[name, tensor] : fromFile) {
            QVERIFY2(torch::equal(fromMemory.at(name), tensor), name.c_str());
        }
    }

    void codeInTheArchiveNeverRuns()
    {
        // Sanity of the oracle: the generator checked (check_payloads.py) that torch.jit.load on this archive
        // prints a line and creates the marker. Read as data, it gives its one tensor and nothing else happens.
        TensorMap tensors;
        QString error;
        QVERIFY(!markerAppearsWhile([&] { error = readError(hostile(QStringLiteral("setstate-dict.pt")), &tensors); }));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(tensors.size(), size_t(1));
        const torch::Tensor weight = tensors.at("weight");
        QCOMPARE(weight.scalar_type(), torch::kFloat32);
        QVERIFY(torch::equal(weight, torch::tensor({1.5f, -2.0f}))); // the values make_hostile.py stored
    }

    void hostileArchivesAreRefused_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("custom __setstate__") << "setstate-tuple.pt"
                                             << "data.pkl byte 176: object of class __torch__.SetStateTuple has a "
                                                "custom __setstate__";
        QTest::newRow("os.system") << "os-system.pt"
                                   << "the Python global os.system is neither a tensor nor a module";
        QTest::newRow("builtins.eval") << "builtins-eval.pt"
                                       << "the Python global builtins.eval is neither";
        QTest::newRow("posix.system among attributes") << "posix-system-nested.pt"
                                                       << "the Python global posix.system";
        QTest::newRow("STACK_GLOBAL") << "stack-global.pt"
                                      << "pickle opcode 0x93 (STACK_GLOBAL) is not one";
        QTest::newRow("numel overflow") << "numel-overflow.pt"
                                        << "storage 0 claims 4611686018427387904 elements";
        QTest::newRow("view outside storage") << "view-outside-storage.pt"
                                              << "tensor view reaches element 999 of storage 0, which holds 2";
        QTest::newRow("offset outside storage") << "offset-outside-storage.pt"
                                                << "tensor view reaches element 1099511627777 of storage 0";
        QTest::newRow("shape overflow") << "shape-overflow.pt"
                                        << "tensor shape is too large";
        QTest::newRow("negative stride") << "negative-stride.pt"
                                         << "tensor stride holds a negative or non-integer";
        QTest::newRow("record too small") << "record-too-small.pt"
                                          << "record data/0 holds 8 bytes but its FloatStorage of 1000 elements "
                                             "needs 4000";
        QTest::newRow("storage key traversal") << "storage-key-traversal.pt"
                                               << "storage key is not 1-64 letters";
        QTest::newRow("missing record") << "missing-record.pt"
                                        << "refers to record data/7, which the archive lacks";
        QTest::newRow("big-endian data") << "big-endian.pt"
                                         << "tensor data is stored in byte order 'big'";
        QTest::newRow("deep modules") << "deep-modules.pt"
                                      << "modules nested deeper than 64";
        QTest::newRow("deep marks") << "deep-marks.pt"
                                    << "MARKs nested deeper than 1024";
        QTest::newRow("huge string") << "huge-string.pt"
                                     << "a string of 4294967280 bytes";
        QTest::newRow("memo index") << "memo-far-index.pt"
                                    << "memo entry 4294967294 is read before it is written";
    }

    void hostileArchivesAreRefused()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        QString error;
        QVERIFY(!markerAppearsWhile([&] { error = readError(hostile(file)); }));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
    }

    void everyTruncationAndByteFlipEndsCleanly()
    {
        // A small fuzz over a real archive: every prefix and every single-byte change either reads or fails with
        // one line (the test passing at all means no crash, hang or sanitizer-visible overflow here).
        const QByteArray archive = readBytes(hostile(QStringLiteral("setstate-dict.pt")));
        QVERIFY(archive.size() > 2000);
        int refused = 0;
        auto check = [&](const QByteArray &bytes) {
            TensorMap tensors;
            std::string error;
            if (!clip::readTorchScriptTensorsFromMemory(bytes.constData(), size_t(bytes.size()), &tensors, &error)) {
                ++refused;
                QVERIFY2(!error.empty() && error.find('\n') == std::string::npos, error.c_str());
            }
        };
        for (int length = 0; length < archive.size(); ++length) {
            check(archive.left(length));
        }
        QCOMPARE(refused, int(archive.size())); // no proper prefix of a zip is a complete zip
        for (int i = 0; i < archive.size(); ++i) {
            QByteArray changed = archive;
            changed[i] = char(changed[i] ^ 0x5A);
            check(changed);
        }
    }

    void zipDamageIsNamed()
    {
        // data.pkl, which is parsed, is CRC-checked (tensor data is not, as in libtorch: nothing parses it).
        QByteArray archive = readBytes(hostile(QStringLiteral("setstate-dict.pt")));
        const int tag = archive.indexOf("Dict[str, Tensor]"); // restore_type_tag's argument inside data.pkl
        QVERIFY(tag > 0);
        archive[tag] = 'L';
        TensorMap tensors;
        std::string error;
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
        // The fuzz build (CLIPFIND_FUZZ, cmake/ClipFindFuzz.cmake) skips this one check, so that the fuzzer reaches
        // the pickles; the damage is then the parser's to find, and no CRC is named.
        (void)clip::readTorchScriptTensorsFromMemory(archive.constData(), size_t(archive.size()), &tensors, &error);
        QVERIFY2(error.find("CRC-32") == std::string::npos, error.c_str());
#else
        QVERIFY(!clip::readTorchScriptTensorsFromMemory(archive.constData(), size_t(archive.size()), &tensors, &error));
        QCOMPARE(error, std::string("truncated or corrupt TorchScript archive (record setstate-dict/data.pkl fails its "
                                    "CRC-32 check (corrupt file))"));
#endif
    }

    void crc32MatchesTheZipPolynomial()
    {
        // The standard check value of CRC-32/ISO-HDLC (zip, zlib, PNG).
        QCOMPARE(clip::crc32Update(0, "123456789", 9), 0xCBF43926u);
        // Chunked = whole, across the 8-byte fast path.
        const std::string text = "The quick brown fox jumps over the lazy dog";
        QCOMPARE(clip::crc32Update(0, text.data(), text.size()), 0x414FA339u);
        const uint32_t head = clip::crc32Update(0, text.data(), 13);
        QCOMPARE(clip::crc32Update(head, text.data() + 13, text.size() - 13), 0x414FA339u);
    }

    void unpicklerRefusesWhatItDoesNotKnow()
    {
        QVERIFY(pickleError(bytes("\x80\x02N.")).empty());
        QVERIFY(QString::fromStdString(pickleError(bytes("\x80\x02N"))).contains(QStringLiteral("no STOP")));
        QCOMPARE(pickleError("\x80\x02(."), std::string("byte 3: STOP with 0 values on the stack"));
        QCOMPARE(pickleError("\x80\x02t."), std::string("byte 2: an opcode needs a MARK that is not there"));
        QCOMPARE(pickleError("\x80\x02"
                             "0."),
                 std::string("byte 2: pickle opcode 0x30 (POP) is not one a tensor archive needs: refused"));
        QCOMPARE(pickleError("\x80\x02"
                             "csubprocess\nPopen\n."),
                 std::string("byte 2: the Python global subprocess.Popen is neither a tensor nor a module attribute: "
                             "refused (ClipFind never runs code from model files)"));
        QCOMPARE(pickleError("\x80\x02"
                             "c__torch__.x\nA\n)R."),
                 std::string("byte 18: REDUCE calls __torch__.x.A, which is not a function it allows"));
        QCOMPARE(pickleError("\x80\x02"
                             "ctorch\nFloatStorage\n)\x81."),
                 std::string("byte 23: NEWOBJ creates torch.FloatStorage, which is not a TorchScript class"));
        QCOMPARE(pickleError("\x80\x02"
                             "c__torch__\nA\n)\x81N\x85"
                             "b."),
                 std::string("byte 19: object of class __torch__.A has a custom __setstate__ (its state is a tuple, "
                             "not an attribute dict): refused, it would run archive code"));
        // Integers of every width the torch pickler writes, and what LONG1 may not hold.
        clip::pickle::PickleData data;
        std::string problem;
        const std::string ints = bytes("\x80\x02(K\xffM\xff\xffJ\xff\xff\xff\xff"
                                       "\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80"
                                       "\x8a\x01\xfe"
                                       "t.");
        QVERIFY2(
            clip::pickle::unpickle(reinterpret_cast<const unsigned char *>(ints.data()), ints.size(), &data, &problem),
            problem.c_str());
        const clip::pickle::Value &tuple = data.values[data.root];
        QCOMPARE(tuple.items.size(), size_t(5));
        QCOMPARE(data.values[tuple.items[0]].integer, int64_t(255));
        QCOMPARE(data.values[tuple.items[1]].integer, int64_t(65535));
        QCOMPARE(data.values[tuple.items[2]].integer, int64_t(-1));
        QCOMPARE(data.values[tuple.items[3]].integer, std::numeric_limits<int64_t>::min());
        QCOMPARE(data.values[tuple.items[4]].integer, int64_t(-2));
        QCOMPARE(pickleError(bytes("\x80\x02\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01.")),
                 std::string("byte 2: an integer wider than 64 bits"));
    }
};

QTEST_GUILESS_MAIN(TorchScriptArchiveTest)
#include "torchscriptarchivetest.moc"
