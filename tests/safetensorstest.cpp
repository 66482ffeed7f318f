// SPDX-License-Identifier: MIT
// Tests for the safetensors reader (core/clip/safetensors.h): the tiny Hugging Face fixture, every dtype, and
// hostile files built at runtime, each of which must fail with one line naming the file and the problem.
#include "core/clip/checkpoint/safetensors.h"
#include "testfiles.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>

using namespace clipfind::clip;

using namespace clipfind::test;

namespace {

const QString kTinyHf = QStringLiteral(CLIPFIND_TEST_DATA "/tiny-hf/model.safetensors");

QByteArray le64(quint64 n)
{
    QByteArray out;
    for (int i = 0; i < 8; ++i) {
        out += char((n >> (8 * i)) & 0xFF);
    }
    return out;
}

QByteArray safetensors(const QByteArray &header, const QByteArray &data)
{
    return le64(quint64(header.size())) + header + data;
}

const torch::Tensor *find(const SafetensorsFile &file, const std::string &name)
{
    for (const auto &[key, tensor] : file.tensors) {
        if (key == name) {
            return &tensor;
        }
    }
    return nullptr;
}

uint32_t bitsOf(float f)
{
    uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    return bits;
}

QByteArray floats(std::initializer_list<float> values)
{
    QByteArray out;
    for (float v : values) {
        out.append(reinterpret_cast<const char *>(&v), sizeof v);
    }
    return out;
}

} // namespace

class SafetensorsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void detectsFormat()
    {
        const QByteArray head = readBytes(kTinyHf).left(16);
        QVERIFY(looksLikeSafetensors(head.toStdString()));
        QVERIFY(!looksLikeSafetensors(std::string("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10))); // a zip (TorchScript)
        QVERIFY(!looksLikeSafetensors(le64(1).toStdString() + "{"));                           // length too small
        QVERIFY(!looksLikeSafetensors(le64(100000001).toStdString() + "{"));                   // over 100 MB
        QVERIFY(!looksLikeSafetensors(le64(10).toStdString() + "["));                          // not an object
        QVERIFY(!looksLikeSafetensors(le64(10).toStdString()));                                // too short
        QVERIFY(looksLikeSafetensors(le64(100000000).toStdString() + "{")); // no file-size check here
    }

    void readsTinyHf()
    {
        // Reference from Python (json + struct + numpy 1.24.2 on the raw bytes):
        //   f = open('tests/data/tiny-hf/model.safetensors', 'rb').read(); n = struct.unpack('<Q', f[:8])[0]
        //   h = json.loads(f[8:8+n])   # n = 10504, len(f) = 7163924, no '__metadata__'
        //   len(h) == 94, every dtype 'F32', list(h)[0] == 'logit_scale', list(h)[-1] == 'visual_projection.weight'
        //   h['text_model.embeddings.token_embedding.weight']['shape'] == [49408, 32]
        //   h['vision_model.embeddings.patch_embedding.weight']['shape'] == [64, 3, 16, 16]
        //   h['logit_scale'] == {'dtype': 'F32', 'shape': [], 'data_offsets': [0, 4]}
        //   arr(k) = np.frombuffer(f[8+n+b:8+n+e], '<f4').reshape(shape):
        //     logit_scale = 2.6601562 (00402a40); text_projection.weight[0,0] = -0.03125 (000000bd),
        //     [47,31] = -0.046875 (000040bd); patch_embedding[63,2,15,15] = 0.0546875 (0000603d);
        //     token_embedding[49407,31] = -0.0234375 (0000c0bc); vision_model.pre_layrnorm.weight[:4] =
        //     [1.0195312, 0.99609375, 1.125, 1.1210938]; vision_model.encoder.layers.1.mlp.fc2.weight [64, 256],
        //     [5,200] = 0.06640625 (0000883d)
        SafetensorsFile file;
        std::string error;
        QVERIFY2(readSafetensors(kTinyHf.toStdString(), &file, &error), error.c_str());
        QCOMPARE(file.tensors.size(), size_t(94));
        QVERIFY(file.metadata.empty());
        QCOMPARE(file.tensors.front().first, std::string("logit_scale"));
        QCOMPARE(file.tensors.back().first, std::string("visual_projection.weight"));
        for (const auto &[name, tensor] : file.tensors) {
            QVERIFY2(tensor.scalar_type() == torch::kFloat32, name.c_str());
            QVERIFY(tensor.device().is_cpu());
            QVERIFY(tensor.is_contiguous());
        }
        const torch::Tensor *tokens = find(file, "text_model.embeddings.token_embedding.weight");
        QVERIFY(tokens);
        QCOMPARE(tokens->sizes().vec(), (std::vector<int64_t>{49408, 32}));
        QCOMPARE(bitsOf(tokens->index({49407, 31}).item<float>()), 0xbcc00000u);
        const torch::Tensor *patch = find(file, "vision_model.embeddings.patch_embedding.weight");
        QVERIFY(patch);
        QCOMPARE(patch->sizes().vec(), (std::vector<int64_t>{64, 3, 16, 16}));
        QCOMPARE(patch->index({63, 2, 15, 15}).item<float>(), 0.0546875f);
        const torch::Tensor *scale = find(file, "logit_scale");
        QVERIFY(scale);
        QCOMPARE(scale->dim(), int64_t(0));
        QCOMPARE(bitsOf(scale->item<float>()), 0x402a4000u);
        const torch::Tensor *projection = find(file, "text_projection.weight");
        QVERIFY(projection);
        QCOMPARE(projection->index({0, 0}).item<float>(), -0.03125f);
        QCOMPARE(projection->index({47, 31}).item<float>(), -0.046875f);
        const torch::Tensor *norm = find(file, "vision_model.pre_layrnorm.weight");
        QVERIFY(norm);
        const float expectedNorm[] = {1.0195312f, 0.99609375f, 1.125f, 1.1210938f};
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(norm->index({i}).item<float>(), expectedNorm[i]);
        }

        // The views keep the shared buffer alive after the file object is gone.
        const torch::Tensor *fc2 = find(file, "vision_model.encoder.layers.1.mlp.fc2.weight");
        QVERIFY(fc2);
        torch::Tensor kept = *fc2;
        file = SafetensorsFile();
        QCOMPARE(kept.sizes().vec(), (std::vector<int64_t>{64, 256}));
        QCOMPARE(kept.index({5, 200}).item<float>(), 0.06640625f);
    }

    void readsEveryDtype()
    {
        // Little-endian encodings: F64 1.5 = 000000000000f83f, F16 1.5 = 003e, BF16 1.5 = c03f.
        QByteArray data;
        data += QByteArray("\x07", 1);                                 // U8  [0, 1)
        data += floats({2.5f, -1.0f});                                 // F32 [1, 9): misaligned
        data += QByteArray("\x00\x00\x00\x00\x00\x00\xf8\x3f", 8);     // F64 [9, 17)
        data += QByteArray("\x00\x3e\xc0\x3f", 4);                     // F16 [17, 19), BF16 [19, 21)
        data += QByteArray("\xfe\xff\xff\xff\xff\xff\xff\xff", 8);     // I64 -2 [21, 29)
        data += QByteArray("\xfd\xff\xff\xff\xfc\xff\x80\x01\x00", 9); // I32 -3, I16 -4, I8 -128, BOOL 1, 0
        const QByteArray header = R"({"__metadata__":{"format":"pt","note":"x"},)"
                                  R"("u8":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                                  R"("f32":{"dtype":"F32","shape":[2],"data_offsets":[1,9]},)"
                                  R"("f64":{"dtype":"F64","shape":[],"data_offsets":[9,17]},)"
                                  R"("f16":{"dtype":"F16","shape":[1,1],"data_offsets":[17,19]},)"
                                  R"("bf16":{"dtype":"BF16","shape":[1],"data_offsets":[19,21]},)"
                                  R"("i64":{"dtype":"I64","shape":[1],"data_offsets":[21,29]},)"
                                  R"("i32":{"dtype":"I32","shape":[1],"data_offsets":[29,33]},)"
                                  R"("i16":{"dtype":"I16","shape":[1],"data_offsets":[33,35]},)"
                                  R"("i8":{"dtype":"I8","shape":[1],"data_offsets":[35,36]},)"
                                  R"("bool":{"dtype":"BOOL","shape":[2],"data_offsets":[36,38]},)"
                                  R"("empty":{"dtype":"F32","shape":[0,5],"data_offsets":[38,38]}}    )";
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("dtypes.safetensors"));
        QVERIFY(writeBytes(path, safetensors(header, data)));
        SafetensorsFile file;
        std::string error;
        QVERIFY2(readSafetensors(path.toStdString(), &file, &error), error.c_str());
        QCOMPARE(file.metadata, (std::map<std::string, std::string>{{"format", "pt"}, {"note", "x"}}));
        QCOMPARE(file.tensors.size(), size_t(11));
        QCOMPARE(file.tensors[0].first, std::string("u8"));
        QCOMPARE(find(file, "u8")->item<uint8_t>(), uint8_t(7));
        QVERIFY(find(file, "f32")->equal(torch::tensor({2.5f, -1.0f})));
        QCOMPARE(find(file, "f64")->scalar_type(), torch::kFloat64);
        QCOMPARE(find(file, "f64")->item<double>(), 1.5);
        QCOMPARE(find(file, "f16")->scalar_type(), torch::kFloat16);
        QCOMPARE(find(file, "f16")->sizes().vec(), (std::vector<int64_t>{1, 1}));
        QCOMPARE(find(file, "f16")->to(torch::kFloat32).item<float>(), 1.5f);
        QCOMPARE(find(file, "bf16")->scalar_type(), torch::kBFloat16);
        QCOMPARE(find(file, "bf16")->to(torch::kFloat32).item<float>(), 1.5f);
        QCOMPARE(find(file, "i64")->item<int64_t>(), int64_t(-2));
        QCOMPARE(find(file, "i32")->item<int32_t>(), int32_t(-3));
        QCOMPARE(find(file, "i16")->item<int16_t>(), int16_t(-4));
        QCOMPARE(find(file, "i8")->item<int8_t>(), int8_t(-128));
        QVERIFY(find(file, "bool")->equal(torch::tensor({true, false})));
        QCOMPARE(find(file, "empty")->sizes().vec(), (std::vector<int64_t>{0, 5}));
        // Every tensor is aligned for its dtype, including the F32 that sits at byte offset 1 in the file.
        for (const auto &[name, tensor] : file.tensors) {
            const auto address = reinterpret_cast<uintptr_t>(tensor.data_ptr());
            QVERIFY2(tensor.numel() == 0 || address % tensor.element_size() == 0, name.c_str());
        }
    }

    void rejectsHostileFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        const QByteArray real = readBytes(kTinyHf);
        const QByteArray six = floats({1, 2, 3, 4, 5, 6});
        const auto one = [](const char *entry) { return QByteArray("{\"a.b\":") + entry + "}"; };

        QTest::newRow("missing") << QByteArray() << "no such file";
        QTest::newRow("empty") << QByteArray("") << "file is empty";
        QTest::newRow("shorter than length") << QByteArray("\x10\x00\x00", 3) << "file is too short (3 bytes)";
        // 60% of 7163924 bytes = 4298354; the data section then holds 4298354 - 8 - 10504 = 4287842 bytes.
        QTest::newRow("truncated data") << real.left(
            real.size() * 6 / 10) << "truncated: header declares 7153412 bytes of tensor data but only 4287842 follow";
        QTest::newRow("header longer than file")
            << real.left(1000) << "truncated: header length is 10504 bytes but only 992 follow";
        QTest::newRow("header length absurd") << le64(quint64(1) << 63) + "{}"
                                              << "exceeds the 100 MB limit";
        QTest::newRow("header length 1") << le64(1) + "{"
                                         << "header length 1 is too small";
        QTest::newRow("header not JSON")
            << safetensors("{\"a.b\":", "")
            << "header is not valid JSON (syntax error while parsing value - unexpected end of input; "
               "expected '[', '{', or a literal at offset 7)";
        QTest::newRow("header not object") << safetensors("[1, 2]", "") << "header is not a JSON object";
        QTest::newRow("duplicate tensor")
            << safetensors(R"({"a":{},"a":{}})", "") << "header is not valid JSON (duplicate key \"a\" at offset 10)";
        QTest::newRow("offsets out of bounds")
            << safetensors(one(R"({"dtype":"F32","shape":[2,3],"data_offsets":[1000,1024]})"), six)
            << "truncated: header declares 1024 bytes of tensor data but only 24 follow (tensor 'a.b' ends at byte "
               "1024)";
        QTest::newRow("negative offset") << safetensors(one(R"({"dtype":"F32","shape":[1],"data_offsets":[-4,0]})"),
                                                        six)
                                         << "tensor 'a.b': data_offsets is not a pair of non-negative integers";
        QTest::newRow("offset beyond int64")
            << safetensors(one(R"({"dtype":"U8","shape":[1],"data_offsets":[18446744073709551615,0]})"), six)
            << "tensor 'a.b': data_offsets is not a pair of non-negative integers";
        QTest::newRow("fractional offset")
            << safetensors(one(R"({"dtype":"U8","shape":[1],"data_offsets":[0.5,1]})"), six)
            << "tensor 'a.b': data_offsets is not a pair of non-negative integers";
        QTest::newRow("reversed offsets")
            << safetensors(one(R"({"dtype":"F32","shape":[0],"data_offsets":[12,8]})"), six)
            << "tensor 'a.b': data_offsets [12, 8] end before they begin";
        QTest::newRow("shape size mismatch")
            << safetensors(one(R"({"dtype":"F32","shape":[2,3],"data_offsets":[0,12]})"), six)
            << "tensor 'a.b': data_offsets [0, 12] do not match shape [2, 3] of F32 (24 bytes)";
        QTest::newRow("shape overflow") << safetensors(
            one(R"({"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]})"), six)
                                        << "tensor 'a.b': shape [4611686018427387904, 4] is too large";
        QTest::newRow("negative dim") << safetensors(one(R"({"dtype":"F32","shape":[-1],"data_offsets":[0,4]})"), six)
                                      << "tensor 'a.b': shape is not a list of non-negative integers";
        QTest::newRow("unsupported dtype")
            << safetensors(one(R"({"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]})"), six)
            << "tensor 'a.b' has unsupported dtype 'F8_E4M3'";
        QTest::newRow("no dtype") << safetensors(one(R"({"shape":[1],"data_offsets":[0,4]})"), six)
                                  << "tensor 'a.b' has no dtype string";
        QTest::newRow("entry not object") << safetensors(one("[1]"), six) << "tensor 'a.b': entry is not a JSON object";
        QTest::newRow("overlapping tensors") << safetensors(R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                                                            R"("y":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                                                            six)
                                             << "tensors 'x' [0, 16] and 'y' [8, 16] overlap";
        QTest::newRow("metadata not strings")
            << safetensors(R"({"__metadata__":{"n":1}})", "") << "__metadata__ value 'n' is not a string";
        QTest::newRow("bad bool") << safetensors(one(R"({"dtype":"BOOL","shape":[2],"data_offsets":[0,2]})"),
                                                 "\x01\x02")
                                  << "tensor 'a.b': BOOL data holds bytes other than 0 and 1";
        QTest::newRow("newline in name") << safetensors(R"({"a\nb":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}})",
                                                        six)
                                         << "tensor 'a\\x0Ab' has unsupported dtype 'F8'";
        QTest::newRow("deep header") << safetensors(QByteArray(5000, '['), "") << "nesting deeper than 256 levels";
    }

    void rejectsHostileFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("model.safetensors"));
        if (QTest::currentDataTag() != QLatin1String("missing")) {
            QVERIFY(writeBytes(path, content));
        }
        SafetensorsFile file;
        file.metadata["untouched"] = "yes";
        std::string error;
        QVERIFY(!readSafetensors(path.toStdString(), &file, &error));
        const QString message = QString::fromStdString(error);
        QVERIFY2(message.startsWith(path + QStringLiteral(": ")), error.c_str()); // names the file
        QVERIFY2(message.contains(expected), error.c_str());                      // and the specific problem
        QVERIFY2(!message.contains(QLatin1Char('\n')), error.c_str());            // on one line
        QCOMPARE(file.metadata.size(), size_t(1));                                // output untouched on failure
        QVERIFY(file.tensors.empty());
    }

    void directoryIsAnError()
    {
        QTemporaryDir dir;
        std::string error;
        QVERIFY(!readSafetensors(dir.path().toStdString(), nullptr, &error));
        QVERIFY2(error.find(": is a directory") != std::string::npos, error.c_str());
        QVERIFY(!readSafetensors(dir.path().toStdString(), nullptr, nullptr)); // null out-parameters are allowed
    }
};

QTEST_GUILESS_MAIN(SafetensorsTest)
#include "safetensorstest.moc"
