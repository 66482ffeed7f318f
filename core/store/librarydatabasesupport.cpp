// SPDX-License-Identifier: MIT
// The free functions of embeddingcache.h: the content hash that finds renamed files, the data folder, and the
// fp16 conversion of stored embeddings.
#include "core/store/librarydatabase.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <cmath>
#include <cstring>

namespace clipfind {

namespace {

// The hash covers the file size, the first and the last 64 KiB: cheap on 12 MP photos, and it still tells
// edited files apart (an edit rewrites the metadata at the start or the data at the end).
constexpr qint64 kHashChunk = 64 * 1024;

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

} // namespace

QByteArray contentHash(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        setError(error, QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
        return {};
    }
    const qint64 size = file.size();
    QCryptographicHash hash(QCryptographicHash::Sha256);
    char sizeBytes[8];
    for (int i = 0; i < 8; ++i)
        sizeBytes[i] = char((quint64(size) >> (8 * i)) & 0xff);
    hash.addData(QByteArrayView(sizeBytes, 8));
    // Small files are hashed whole rather than twice through overlapping head and tail chunks.
    const bool whole = size <= 2 * kHashChunk;
    const QByteArray head = file.read(whole ? size : kHashChunk);
    QByteArray tail;
    if (!whole && file.seek(size - kHashChunk))
        tail = file.read(kHashChunk);
    if (head.size() != (whole ? size : kHashChunk) || (!whole && tail.size() != kHashChunk)
        || file.size() != size) {
        setError(error, QStringLiteral("Cannot read %1: the file changed or could not be read (%2)")
                            .arg(path, file.errorString()));
        return {};
    }
    hash.addData(head);
    hash.addData(tail);
    return hash.result();
}

QString defaultDataDir()
{
    const QString fromEnv = qEnvironmentVariable("CLIPFIND_DATA_DIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/clipfind");
}

QString databasePathIn(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("cache.sqlite"));
}

// Bit-level conversion rather than _Float16 or F16C so the result is identical on every compiler
// and CPU; the stored bytes are little-endian binary16.
quint16 floatToHalf(float value)
{
    quint32 bits;
    std::memcpy(&bits, &value, sizeof bits);
    const quint16 sign = quint16((bits >> 16) & 0x8000);
    const quint32 absBits = bits & 0x7fffffffu;
    if (absBits >= 0x7f800000u) // inf or NaN; NaN keeps its top payload bits and is forced quiet
        return absBits == 0x7f800000u ? quint16(sign | 0x7c00) : quint16(sign | 0x7e00 | ((absBits >> 13) & 0x3ff));
    if (absBits >= 0x477ff000u) // >= 65520, which rounds (ties to even) past 65504
        return quint16(sign | 0x7c00);
    const int exponent = int(absBits >> 23);
    const quint32 mantissa = absBits & 0x7fffffu;
    quint32 result;
    quint32 remainder;
    quint32 halfway;
    if (exponent >= 113) { // normal half: rebias 127 -> 15, keep the top 10 mantissa bits
        result = (quint32(exponent - 112) << 10) | (mantissa >> 13);
        remainder = mantissa & 0x1fffu;
        halfway = 0x1000u;
    } else { // subnormal half, in units of 2^-24
        if (exponent < 102) // below 2^-25: rounds to zero
            return sign;
        const int shift = 126 - exponent; // 14..24
        const quint32 full = mantissa | 0x800000u;
        result = full >> shift;
        remainder = full & ((1u << shift) - 1);
        halfway = 1u << (shift - 1);
    }
    // A carry out of the mantissa correctly bumps the exponent (or the subnormal into a normal).
    if (remainder > halfway || (remainder == halfway && (result & 1u)))
        ++result;
    return quint16(sign | result);
}

float halfToFloat(quint16 half)
{
    const quint32 sign = quint32(half & 0x8000) << 16;
    const quint32 exponent = (half >> 10) & 0x1f;
    const quint32 mantissa = half & 0x3ff;
    if (exponent == 0) {
        const float magnitude = std::ldexp(float(mantissa), -24); // zero or subnormal, exact
        return sign ? -magnitude : magnitude;
    }
    const quint32 bits = exponent == 31 ? (sign | 0x7f800000u | (mantissa << 13))
                                        : (sign | ((exponent + 112) << 23) | (mantissa << 13));
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

} // namespace clipfind
