// SPDX-License-Identifier: MIT
#include "core/clip/model/clipmodel.h"

#include <cstdlib>
#include <utility>
#include <vector>

namespace clipfind::clip {

namespace {

template<typename Choice>
bool pick(const std::string &option, const std::string &value,
          const std::vector<std::pair<const char *, Choice>> &choices, Choice *out, std::string *error)
{
    std::string valid;
    for (const auto &[name, choice] : choices) {
        if (value == name) {
            *out = choice;
            return true;
        }
        valid += (valid.empty() ? "" : ", ") + std::string(name);
    }
    *error = "unknown --" + option + " '" + value + "' (" + valid + ")";
    return false;
}

} // namespace

bool parseLoadOptions(const std::string &device, const std::string &precision, const std::string &kernels,
                      const std::string &threads, LoadOptions *options, std::string *error)
{
    char *end = nullptr;
    const long threadCount = std::strtol(threads.c_str(), &end, 10);
    if (threads.empty() || *end != '\0' || threadCount < 0 || threadCount > 4096) {
        *error = "--threads needs a number >= 0 (0 = one per core)";
        return false;
    }
    options->cpuThreads = static_cast<int>(threadCount);
    return pick<DeviceChoice>("device", device,
                              {{"auto", DeviceChoice::Auto}, {"cpu", DeviceChoice::Cpu}, {"cuda", DeviceChoice::Cuda}},
                              &options->device, error)
           && pick<Precision>("precision", precision,
                              {{"auto", Precision::Auto},
                               {"float32", Precision::Float32},
                               {"float16", Precision::Float16},
                               {"bfloat16", Precision::BFloat16},
                               {"bfloat16-images", Precision::BFloat16Images}},
                              &options->precision, error)
           && pick<Kernels>("kernels", kernels,
                            {{"auto", Kernels::Auto}, {"reference", Kernels::Reference}, {"fast", Kernels::Fast}},
                            &options->kernels, error);
}

} // namespace clipfind::clip
