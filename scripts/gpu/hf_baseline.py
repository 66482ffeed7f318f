# SPDX-License-Identifier: MIT
# Baseline for `clipfind-engine bench` on the GPU machine: Hugging Face transformers' CLIPModel (eager PyTorch)
# with ViT-B/32's shape and random weights, fp16, timed the same way (device-resident input, synchronised).
import json
import statistics
import sys
import time

import torch
from transformers import CLIPConfig, CLIPModel


def vit_b32_config():
    return CLIPConfig(
        text_config=dict(hidden_size=512, intermediate_size=2048, num_attention_heads=8, num_hidden_layers=12,
                         max_position_embeddings=77, vocab_size=49408, hidden_act="quick_gelu"),
        vision_config=dict(hidden_size=768, intermediate_size=3072, num_attention_heads=12, num_hidden_layers=12,
                           image_size=224, patch_size=32, hidden_act="quick_gelu"),
        projection_dim=512)


def features(output):
    # transformers 5 returns a model output object from get_*_features, 4.x a tensor.
    return output if torch.is_tensor(output) else output.pooler_output


def images_per_second(model, batch, seconds=2.0):
    x = torch.randn(batch, 3, 224, 224, device="cuda", dtype=torch.float16)
    with torch.inference_mode():
        for _ in range(2):
            model.get_image_features(pixel_values=x)
        torch.cuda.synchronize()
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds or done < 3 * batch:
            model.get_image_features(pixel_values=x)
            torch.cuda.synchronize()
            done += batch
        return done / (time.perf_counter() - start)


def text_ms(model, content_tokens):
    ids = torch.tensor([[49406] + [1000 + i for i in range(content_tokens)] + [49407]], device="cuda")
    samples = []
    with torch.inference_mode():
        for _ in range(5):
            features(model.get_text_features(input_ids=ids)).cpu()
        for _ in range(50):
            t0 = time.perf_counter()
            features(model.get_text_features(input_ids=ids)).cpu()
            samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main():
    results = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0)}
    for impl in ("eager", "sdpa"):
        try:
            model = CLIPModel._from_config(vit_b32_config(), attn_implementation=impl).half().cuda().eval()
            results[impl] = {
                "image_img_per_s": {str(b): images_per_second(model, b) for b in (1, 32, 256, 1024)},
                "text_ms": {"5": text_ms(model, 5), "75": text_ms(model, 75)},
            }
            del model
            torch.cuda.empty_cache()
        except Exception as e:  # report and carry on: the baseline must not hide our own numbers
            results[impl] = {"error": repr(e)}
    json.dump(results, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
