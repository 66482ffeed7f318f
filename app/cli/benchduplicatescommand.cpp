// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/clip/bench/benchmark.h"
#include "core/clip/matrix/half.h"
#include "core/clip/model/threading.h"
#include "core/duplicates/duplicatefinder.h"
#include "core/duplicates/imagefingerprint.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include <sys/resource.h>

namespace clipfind::cli {

namespace {

// A synthetic library with the shape of CLIP image embeddings: a direction every photo shares (random photos have
// cosine ~0.5), variance spread over the components as 1/k (the top 32 of 512 components hold about 60% of it), photos
// in scenes of about four (same-scene photos have cosine ~0.85: many straddle the default threshold) and planted
// duplicate clusters of 2-4 near-copies of one photo (cosine ~0.99). Each photo also gets a fingerprint hash: copies
// share their original's with up to 3 bits flipped, everything else is random; the second check compares those.
struct SyntheticLibrary {
    int64_t rows = 0;
    int dim = 0;
    std::vector<uint16_t> halves;
    std::vector<quint64> hashes;
    std::vector<int64_t> cluster; ///< planted cluster id per row, -1 for none
    int64_t clusters = 0;
};

// CPU seconds this process has used (all threads): on a shared machine, what the work costs when wall time is not.
double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
           + 1e-6 * double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

SyntheticLibrary makeLibrary(int64_t rows, int dim, double copyShare, unsigned seed)
{
    SyntheticLibrary library;
    library.rows = rows;
    library.dim = dim;
    library.halves.resize(size_t(rows) * size_t(dim));
    library.hashes.resize(size_t(rows));
    library.cluster.assign(size_t(rows), -1);
    std::mt19937_64 random(seed);
    std::normal_distribution<float> normal;
    std::vector<float> scale(static_cast<size_t>(dim));
    double sum = 0;
    for (int k = 0; k < dim; ++k) {
        sum += 1.0 / (k + 1.0);
    }
    for (int k = 0; k < dim; ++k) {
        scale[size_t(k)] = float(std::sqrt(1.0 / (k + 1.0) / sum));
    }
    std::vector<float> shared(static_cast<size_t>(dim));
    double sharedNorm = 0;
    for (float &v : shared) {
        v = normal(random);
        sharedNorm += double(v) * v;
    }
    const float sharedWeight = float(std::sqrt(0.5 / sharedNorm));
    const auto spectral = [&](std::vector<float> &out, float weight) {
        for (int k = 0; k < dim; ++k) {
            out[size_t(k)] = weight * scale[size_t(k)] * normal(random);
        }
    };
    std::vector<float> scene(static_cast<size_t>(dim)), own(static_cast<size_t>(dim));
    std::vector<float> photo(static_cast<size_t>(dim)), copy(static_cast<size_t>(dim));
    const auto store = [&](int64_t row, const std::vector<float> &values) {
        for (int k = 0; k < dim; ++k) {
            library.halves[size_t(row) * size_t(dim) + size_t(k)] = clip::floatToHalf(values[size_t(k)]);
        }
    };
    std::uniform_real_distribution<double> uniform;
    int64_t row = 0;
    int64_t sceneLeft = 0;
    while (row < rows) {
        if (sceneLeft == 0) {
            spectral(scene, std::sqrt(0.35f));
            sceneLeft = 2 + int64_t(random() % 5);
        }
        --sceneLeft;
        spectral(own, std::sqrt(0.15f));
        for (int k = 0; k < dim; ++k) {
            photo[size_t(k)] = sharedWeight * shared[size_t(k)] + scene[size_t(k)] + own[size_t(k)];
        }
        const quint64 hash = random();
        store(row, photo);
        library.hashes[size_t(row)] = hash;
        ++row;
        if (uniform(random) < copyShare / 2.5 && row < rows) { // clusters average 2.5 photos
            const int64_t id = library.clusters++;
            library.cluster[size_t(row - 1)] = id;
            const int copies = 1 + int(random() % 3);
            for (int c = 0; c < copies && row < rows; ++c, ++row) {
                spectral(copy, std::sqrt(0.01f));
                for (int k = 0; k < dim; ++k) {
                    copy[size_t(k)] += photo[size_t(k)];
                }
                store(row, copy);
                quint64 flipped = hash;
                for (int b = int(random() % 4); b > 0; --b) {
                    flipped ^= quint64(1) << (random() % 64);
                }
                library.hashes[size_t(row)] = flipped;
                library.cluster[size_t(row)] = id;
            }
        }
    }
    return library;
}

} // namespace

// clipfind-cli bench-duplicates [--rows 100000] [--dim 512] [--threshold T] [--copies 0.05] [--threads N] [--json]
int runBenchDuplicates(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Times duplicate grouping (similar pairs from the embeddings, the second check, union-find) on "
                       "a synthetic library with planted duplicate clusters; checks that exactly those are found."));
    parser.addOption({QStringLiteral("rows"), QStringLiteral("Photos (default 100000)."), QStringLiteral("n"),
                      QStringLiteral("100000")});
    parser.addOption({QStringLiteral("dim"), QStringLiteral("Embedding size (default 512, ViT-B/32)."),
                      QStringLiteral("n"), QStringLiteral("512")});
    parser.addOption({QStringLiteral("threshold"),
                      QStringLiteral("Cosine threshold (default %1).").arg(double(kDefaultDuplicateThreshold)),
                      QStringLiteral("t"), QString::number(double(kDefaultDuplicateThreshold))});
    parser.addOption({QStringLiteral("copies"), QStringLiteral("Share of photos in planted clusters (default 0.05)."),
                      QStringLiteral("share"), QStringLiteral("0.05")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: one per core)."),
                      QStringLiteral("n"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the result as JSON.")});
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    bool rowsOk = false, dimOk = false, thresholdOk = false, copiesOk = false, threadsOk = false;
    const qint64 rows = parser.value(QStringLiteral("rows")).toLongLong(&rowsOk);
    const int dim = parser.value(QStringLiteral("dim")).toInt(&dimOk);
    const float threshold = parser.value(QStringLiteral("threshold")).toFloat(&thresholdOk);
    const double copies = parser.value(QStringLiteral("copies")).toDouble(&copiesOk);
    const int threads = parser.value(QStringLiteral("threads")).toInt(&threadsOk);
    if (!rowsOk || rows < 2 || rows > 5'000'000 || !dimOk || dim < 8 || dim > 4096 || !thresholdOk
        || !(threshold > 0 && threshold <= 1) || !copiesOk || copies < 0 || copies > 0.5 || !threadsOk || threads < 0) {
        return fail(QStringLiteral("bench-duplicates: --rows 2..5000000, --dim 8..4096, --threshold (0, 1], "
                                   "--copies 0..0.5, --threads >= 0"),
                    2);
    }
    clip::setCpuThreadsForThisThread(threads); // 0: one per core
    std::fprintf(stderr, "making %lld synthetic rows of %d...\n", static_cast<long long>(rows), dim);
    const SyntheticLibrary library = makeLibrary(rows, dim, copies, 2024);
    const auto confirm = [&library](int64_t a, int64_t b) {
        return hashDistance(library.hashes[size_t(a)], library.hashes[size_t(b)]) <= kDefaultMaxHashDistance;
    };
    DuplicateStats stats;
    QString error;
    const double cpuBefore = cpuSeconds();
    const RowGroups groups = groupSimilarRows(library.halves.data(), rows, dim, threshold, confirm, &stats, &error);
    const double cpu = cpuSeconds() - cpuBefore;
    if (!error.isEmpty()) {
        return fail(error);
    }

    // Exactly the planted clusters? A group is right when it is one whole cluster.
    std::map<int64_t, int64_t> clusterSize;
    for (int64_t id : library.cluster) {
        if (id >= 0) {
            ++clusterSize[id];
        }
    }
    int64_t exact = 0;
    int64_t wrong = 0;
    for (const std::vector<int64_t> &group : groups.groups) {
        const int64_t id = library.cluster[size_t(group.front())];
        const bool whole =
            id >= 0 && int64_t(group.size()) == clusterSize[id]
            && std::all_of(group.begin(), group.end(), [&](int64_t r) { return library.cluster[size_t(r)] == id; });
        exact += whole;
        wrong += !whole;
    }
    const QJsonObject result{
        {QStringLiteral("rows"), rows},
        {QStringLiteral("dim"), dim},
        {QStringLiteral("threads"), clip::cpuThreadsForThisThread()},
        {QStringLiteral("threshold"), double(threshold)},
        {QStringLiteral("planted_groups"), qint64(library.clusters)},
        {QStringLiteral("found_exactly"), qint64(exact)},
        {QStringLiteral("wrong_groups"), qint64(wrong)},
        {QStringLiteral("all_pairs"), double(rows) * double(rows - 1) / 2},
        {QStringLiteral("window_pairs"), stats.windowPairs},
        {QStringLiteral("candidate_pairs"), stats.candidatePairs},
        {QStringLiteral("similar_pairs"), stats.similarPairs},
        {QStringLiteral("checked_pairs"), stats.checkedPairs},
        {QStringLiteral("projected_variance"), stats.projectedVariance},
        {QStringLiteral("pairs_ms"), stats.pairsMs},
        {QStringLiteral("project_ms"), stats.projectMs},
        {QStringLiteral("filter_ms"), stats.filterMs},
        {QStringLiteral("score_ms"), stats.scoreMs},
        {QStringLiteral("group_ms"), stats.checkMs},
        {QStringLiteral("total_ms"), stats.totalMs},
        {QStringLiteral("cpu_s"), cpu},
    };
    QTextStream out(stdout);
    if (parser.isSet(QStringLiteral("json"))) {
        out << QJsonDocument(result).toJson(QJsonDocument::Compact) << '\n';
    } else {
        out << QStringLiteral("%1 rows of %2, %3 thread(s), threshold %4\n")
                   .arg(rows)
                   .arg(dim)
                   .arg(clip::cpuThreadsForThisThread())
                   .arg(double(threshold));
        out << QStringLiteral("  filter: %1 of %2 pairs in the window, %3 candidates, %4 similar pairs "
                              "(%5% of the variance in the projection)\n")
                   .arg(stats.windowPairs)
                   .arg(double(rows) * double(rows - 1) / 2, 0, 'g', 4)
                   .arg(stats.candidatePairs)
                   .arg(stats.similarPairs)
                   .arg(100 * stats.projectedVariance, 0, 'f', 0);
        out << QStringLiteral("  time: %1 s for the pairs (project %2, filter %3, score %4), %5 s to check and group, "
                              "%6 s in all (%7 CPU seconds)\n")
                   .arg(stats.pairsMs / 1000, 0, 'f', 2)
                   .arg(stats.projectMs / 1000, 0, 'f', 2)
                   .arg(stats.filterMs / 1000, 0, 'f', 2)
                   .arg(stats.scoreMs / 1000, 0, 'f', 2)
                   .arg(stats.checkMs / 1000, 0, 'f', 3)
                   .arg(stats.totalMs / 1000, 0, 'f', 2)
                   .arg(cpu, 0, 'f', 2);
        out << QStringLiteral("  planted groups: %1, found exactly: %2, wrong groups: %3\n")
                   .arg(library.clusters)
                   .arg(exact)
                   .arg(wrong);
    }
    return exact == library.clusters && wrong == 0 ? 0 : 1;
}

} // namespace clipfind::cli
