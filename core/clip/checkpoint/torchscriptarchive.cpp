// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/torchscriptarchive.h"

#include "core/clip/errortext.h"

#include <torch/script.h>

namespace clipfind::clip {

bool readTorchScriptTensors(const std::string &path, std::map<std::string, torch::Tensor> *out, std::string *error)
{
    try {
        torch::jit::script::Module module = torch::jit::load(path, torch::kCPU);
        for (const auto &parameter : module.named_parameters(/*recurse=*/true)) {
            (*out)[parameter.name] = parameter.value.detach();
        }
        for (const auto &buffer : module.named_buffers(/*recurse=*/true)) {
            (*out)[buffer.name] = buffer.value.detach();
        }
        return true;
    } catch (const std::exception &e) {
        const std::string what = e.what();
        // libtorch's zip reader wants every record in one top folder; any other zip file fails that way.
        if (what.find("not in a subdirectory") != std::string::npos) {
            *error = "a zip archive, but not a TorchScript model (" + firstLine(what) + ")";
            return false;
        }
        // torch.save() zip files look like TorchScript archives from the outside (clip-reference.md §4.1).
        if (what.find("constants.pkl") != std::string::npos) {
            *error = "a PyTorch state-dict archive (torch.save), not a TorchScript release; "
                     "use the model's .safetensors file or OpenAI's TorchScript .pt";
        } else {
            *error = "truncated or corrupt TorchScript archive (" + firstLine(what) + ")";
        }
        return false;
    }
}

} // namespace clipfind::clip
