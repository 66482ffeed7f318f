// SPDX-License-Identifier: MIT
// The one fp16 conversion (core/clip/matrix/half.h) that the library database stores with and the search matrix
// scores with. References: IEEE 754 values written out by hand, c10::Half's conversion (what libtorch and the
// matrix used before) for every value it defines the same way, and the F16C instructions where the CPU has them.
#include "core/clip/matrix/half.h"

#include <QtTest>

#include <c10/util/Half.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define CLIPFIND_TEST_F16C 1
#endif

using namespace clipfind::clip;

namespace {

uint32_t bitsOf(float value)
{
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

float floatOf(uint32_t bits)
{
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

bool isNanHalf(uint32_t h)
{
    return (h & 0x7c00u) == 0x7c00u && (h & 0x3ffu) != 0;
}

#ifdef CLIPFIND_TEST_F16C
bool hasF16c()
{
#if defined(__clang__) && __clang_major__ < 16
    // Clang before 16 does not know "f16c" in __builtin_cpu_supports (the fuzz build): CPUID leaf 1, ECX bit 29.
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 29)) != 0;
#else
    return __builtin_cpu_supports("f16c");
#endif
}
__attribute__((target("f16c"))) uint16_t f16cFromFloat(float value)
{
    return uint16_t(_cvtss_sh(value, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}
__attribute__((target("f16c"))) float f16cToFloat(uint16_t half)
{
    return _cvtsh_ss(half);
}
#else
bool hasF16c()
{
    return false;
}
uint16_t f16cFromFloat(float)
{
    return 0;
}
float f16cToFloat(uint16_t)
{
    return 0;
}
#endif

// What floatToHalf must give for `bits`: c10's conversion for numbers, and for NaN the quiet NaN with the sign and
// the top payload bits (c10 gives one canonical NaN instead; F16C keeps the payload like we do).
uint16_t expectedHalf(uint32_t bits)
{
    if ((bits & 0x7fffffffu) > 0x7f800000u) {
        return uint16_t(((bits >> 16) & 0x8000u) | 0x7e00u | ((bits >> 13) & 0x3ffu));
    }
    return c10::detail::fp16_ieee_from_fp32_value(floatOf(bits));
}

} // namespace

class HalfTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writtenOutCases()
    {
        QCOMPARE(floatToHalf(1.0f), uint16_t(0x3c00));
        QCOMPARE(floatToHalf(-2.0f), uint16_t(0xc000));
        QCOMPARE(floatToHalf(65504.0f), uint16_t(0x7bff));
        QCOMPARE(floatToHalf(65519.0f), uint16_t(0x7bff));
        QCOMPARE(floatToHalf(65520.0f), uint16_t(0x7c00)); // tie, rounds to even = inf
        QCOMPARE(floatToHalf(1e10f), uint16_t(0x7c00));
        QCOMPARE(floatToHalf(-1e10f), uint16_t(0xfc00));
        QCOMPARE(floatToHalf(std::ldexp(1.0f, -24)), uint16_t(0x0001));
        QCOMPARE(floatToHalf(std::ldexp(1.0f, -25)), uint16_t(0x0000)); // tie, rounds to even = 0
        QCOMPARE(floatToHalf(-std::ldexp(1.0f, -25)), uint16_t(0x8000));
        QCOMPARE(floatToHalf(std::ldexp(1.5f, -25)), uint16_t(0x0001));
        QCOMPARE(floatToHalf(std::ldexp(3.0f, -25)), uint16_t(0x0002));    // tie between 1 and 2 ulps: even = 2
        QCOMPARE(floatToHalf(std::ldexp(5.0f, -25)), uint16_t(0x0002));    // tie between 2 and 3 ulps: even = 2
        QCOMPARE(floatToHalf(std::ldexp(1.0f, -14)), uint16_t(0x0400));    // smallest normal
        QCOMPARE(floatToHalf(std::ldexp(1023.0f, -24)), uint16_t(0x03ff)); // largest subnormal
        QCOMPARE(floatToHalf(std::ldexp(2047.0f, -25)), uint16_t(0x0400)); // tie, rounds up into the normals
        QCOMPARE(floatToHalf(std::numeric_limits<float>::denorm_min()), uint16_t(0x0000));
        QCOMPARE(floatToHalf(0.1f), uint16_t(0x2e66));
        QCOMPARE(floatToHalf(1.0f + std::ldexp(1.0f, -11)), uint16_t(0x3c00));     // tie, even stays
        QCOMPARE(floatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), uint16_t(0x3c02)); // tie, odd rounds up
        QCOMPARE(floatToHalf(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -23)), uint16_t(0x3c01)); // past tie
        QCOMPARE(floatToHalf(-0.0f), uint16_t(0x8000));
        QCOMPARE(floatToHalf(std::numeric_limits<float>::infinity()), uint16_t(0x7c00));
        QCOMPARE(floatToHalf(-std::numeric_limits<float>::infinity()), uint16_t(0xfc00));
        QCOMPARE(floatToHalf(std::numeric_limits<float>::quiet_NaN()), uint16_t(0x7e00));
        QCOMPARE(floatToHalf(floatOf(0xffc00000u)), uint16_t(0xfe00)); // negative quiet NaN
        QCOMPARE(floatToHalf(floatOf(0x7f800001u)), uint16_t(0x7e00)); // signalling NaN comes out quiet
        QCOMPARE(floatToHalf(floatOf(0x7fbfe000u)), uint16_t(0x7fff)); // top payload bits kept
        QCOMPARE(halfToFloat(0x0001), std::ldexp(1.0f, -24));
        QCOMPARE(halfToFloat(0x03ff), std::ldexp(1023.0f, -24));
        QCOMPARE(halfToFloat(0x0400), std::ldexp(1.0f, -14));
        QCOMPARE(halfToFloat(0x7bff), 65504.0f);
        QCOMPARE(halfToFloat(0x3555), 0.333251953125f);
        QCOMPARE(halfToFloat(0xc000), -2.0f);
        QVERIFY(std::signbit(halfToFloat(0x8000)) && halfToFloat(0x8000) == 0.0f);
        QCOMPARE(bitsOf(halfToFloat(0x7c00)), 0x7f800000u);
        QCOMPARE(bitsOf(halfToFloat(0xfc00)), 0xff800000u);
        QCOMPARE(bitsOf(halfToFloat(0x7e00)), 0x7fc00000u);
        QCOMPARE(bitsOf(halfToFloat(0x7c01)), 0x7fc02000u); // signalling half NaN -> quiet float NaN, payload kept
    }

    // All 65536 halves: exact value (c10 and F16C agree bit for bit), and back to the same half.
    void everyHalf()
    {
        const bool f16c = hasF16c();
        qInfo("F16C reference: %s", f16c ? "yes" : "no (this CPU lacks it)");
        for (uint32_t h = 0; h < 0x10000; ++h) {
            const uint32_t ours = bitsOf(halfToFloat(uint16_t(h)));
            const uint32_t c10 = bitsOf(c10::detail::fp16_ieee_to_fp32_value(uint16_t(h)));
            if (ours != c10 || (f16c && ours != bitsOf(f16cToFloat(uint16_t(h))))) {
                QFAIL(qPrintable(QStringLiteral("half 0x%1 -> 0x%2, reference 0x%3")
                                     .arg(h, 4, 16, QLatin1Char('0'))
                                     .arg(ours, 8, 16, QLatin1Char('0'))
                                     .arg(c10, 8, 16, QLatin1Char('0'))));
            }
            // Every number survives half -> float -> half; a NaN comes back quiet with its payload.
            const uint32_t back = floatToHalf(halfToFloat(uint16_t(h)));
            const uint32_t expected = isNanHalf(h) ? (h | 0x0200u) : h;
            if (back != expected) {
                QFAIL(qPrintable(QStringLiteral("round trip of 0x%1 gave 0x%2")
                                     .arg(h, 4, 16, QLatin1Char('0'))
                                     .arg(back, 4, 16, QLatin1Char('0'))));
            }
        }
    }

    // Floats around every rounding boundary: each of the 2^19 combinations of sign, exponent and the 10 kept
    // mantissa bits, with the 13 dropped bits zero, one, just below half, exactly half (a tie), just above half and
    // all ones. Subnormal results drop more bits; the upper ones of those run through all values here too, so
    // their ties and near-ties are covered as well. Then 4M random bit patterns.
    void floatSweep()
    {
        const bool f16c = hasF16c();
        qint64 checked = 0;
        const auto check = [&](uint32_t bits) {
            const uint16_t ours = floatToHalf(floatOf(bits));
            ++checked;
            if (ours != expectedHalf(bits) || (f16c && ours != f16cFromFloat(floatOf(bits)))) {
                QTest::qFail(qPrintable(QStringLiteral("float 0x%1 (%2) -> 0x%3, expected 0x%4")
                                            .arg(bits, 8, 16, QLatin1Char('0'))
                                            .arg(double(floatOf(bits)), 0, 'g', 9)
                                            .arg(ours, 4, 16, QLatin1Char('0'))
                                            .arg(expectedHalf(bits), 4, 16, QLatin1Char('0'))),
                             __FILE__, __LINE__);
                return false;
            }
            return true;
        };
        const uint32_t lowBits[] = {0x0000, 0x0001, 0x0fff, 0x1000, 0x1001, 0x1fff};
        for (uint32_t high = 0; high < (1u << 19); ++high) {
            for (const uint32_t low : lowBits) {
                if (!check((high << 13) | low)) {
                    return;
                }
            }
        }
        std::mt19937 random(20240611);
        for (int i = 0; i < (1 << 22); ++i) {
            if (!check(uint32_t(random()))) {
                return;
            }
        }
        QCOMPARE(checked, qint64(6) * (1 << 19) + (1 << 22));
    }
};

QTEST_GUILESS_MAIN(HalfTest)
#include "halftest.moc"
