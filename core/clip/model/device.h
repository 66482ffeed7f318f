// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/clipmodel.h"

#include <torch/torch.h>

#include <string>

namespace clipfind::clip {

/// Where and in which precision a model runs, chosen once at load time.
struct DeviceSetup {
    torch::Device device = torch::kCPU;
    torch::ScalarType dtype = torch::kFloat32;            ///< the text tower's (and everything else's)
    torch::ScalarType imageDtype = torch::kFloat32;       ///< the image tower's activations (and its input)
    torch::ScalarType imageMatmulDtype = torch::kFloat32; ///< its block linears: bf16 for Precision::BFloat16Images
    int cpuThreads = 1;
    std::string description; // "cpu (2 threads)" or "cuda:0 NVIDIA H100 80GB HBM3"
};

/// Resolves Auto choices (CUDA when torch::cuda::is_available(), fp16 there; on the CPU fp32, or BFloat16Images
/// when bf16ImagesByDefault()), sets the
/// process-wide intra-op thread count and turns TF32 off so fp32 on the GPU stays fp32.
bool chooseDevice(const LoadOptions &options, DeviceSetup *setup, std::string *error);

std::string dtypeName(torch::ScalarType dtype);

} // namespace clipfind::clip
