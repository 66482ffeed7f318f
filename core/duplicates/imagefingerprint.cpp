// SPDX-License-Identifier: MIT
#include "core/duplicates/imagefingerprint.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <bitset>
#include <cstdlib>
#include <exception>

namespace clipfind {

ImageFingerprint fingerprintImage(const QImage &image)
{
    ImageFingerprint fingerprint;
    if (image.isNull()) {
        return fingerprint;
    }
    try {
        const QImage rgb =
            image.format() == QImage::Format_RGB888 ? image : image.convertToFormat(QImage::Format_RGB888);
        const cv::Mat pixels(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar *>(rgb.constBits()),
                             size_t(rgb.bytesPerLine()));
        cv::Mat colors;
        cv::resize(pixels, colors, cv::Size(8, 8), 0, 0, cv::INTER_AREA);
        for (int y = 0; y < 8; ++y) {
            std::copy_n(colors.ptr<uchar>(y), 24, fingerprint.colors.begin() + 24 * y);
        }

        cv::Mat gray;
        cv::cvtColor(pixels, gray, cv::COLOR_RGB2GRAY);
        cv::Mat small;
        cv::resize(gray, small, cv::Size(32, 32), 0, 0, cv::INTER_AREA);
        small.convertTo(small, CV_32F);
        cv::Mat frequencies;
        cv::dct(small, frequencies);
        std::array<float, 64> low{};
        for (int y = 0; y < 8; ++y) {
            for (int x = 0; x < 8; ++x) {
                low[size_t(8 * y + x)] = frequencies.at<float>(y, x);
            }
        }
        std::array<float, 64> sorted = low;
        std::nth_element(sorted.begin(), sorted.begin() + 32, sorted.end());
        const float median = sorted[32];
        for (size_t i = 0; i < 64; ++i) {
            fingerprint.hash |= quint64(low[i] > median) << i;
        }
        fingerprint.valid = true;
    } catch (const std::exception &) { // cv::Exception, std::bad_alloc: no fingerprint
        fingerprint = ImageFingerprint();
    }
    return fingerprint;
}

int hashDistance(quint64 a, quint64 b)
{
    return int(std::bitset<64>(a ^ b).count());
}

double colorDifference(const ImageFingerprint &a, const ImageFingerprint &b)
{
    int sum = 0;
    for (size_t i = 0; i < a.colors.size(); ++i) {
        sum += std::abs(int(a.colors[i]) - int(b.colors[i]));
    }
    return double(sum) / double(a.colors.size());
}

} // namespace clipfind
