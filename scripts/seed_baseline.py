#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The seed blog's indexing loop, for `clipfind-cli bench-index` to compare against.

The loop of /work/shared/seed (the blog this project started from), per photo: PIL `Image.open`, OpenAI's
`clip._transform(224)` (torchvision Resize(224, bicubic), CenterCrop(224), RGB, ToTensor, Normalize), then a
batch-1 `encode_image` under `torch.no_grad()`, fp32 on the CPU. The model is OpenAI's ViT-B/32 image tower
(`clip/model.py` VisionTransformer: conv patch embedding, nn.MultiheadAttention blocks with QuickGELU) built in
plain torch with random weights: the speed does not depend on the values, and the blog's `clip` package and its
downloaded weights are not available here. Only Debian's python3-torch, python3-torchvision and python3-pil.

Threads: torch's own default, as the blog's code runs (Debian's python3-torch starts with one intra-op thread),
unless --threads N. With two threads on this 2-core machine the loop is faster only when the machine is otherwise
idle: under load, OpenMP's barriers made a batch-1 encode take 1.6 s instead of 0.14 s.

Prints one JSON line: {"photos","seconds","photos_per_second","open_preprocess_seconds","encode_seconds",
"threads","torch","torchvision","pillow"}. Exit code 1 with one line on stderr when something is missing.
"""

import argparse
import json
import os
import sys
import time
from collections import OrderedDict


def fail(message):
    print("seed_baseline: " + message, file=sys.stderr)
    sys.exit(1)


try:
    import torch
    from torch import nn
    import torchvision
    from torchvision.transforms import CenterCrop, Compose, InterpolationMode, Normalize, Resize, ToTensor
    import PIL
    from PIL import Image
except ImportError as e:  # the lines bench-index shows when python3-torch & co are not installed
    fail("missing Python module (%s); install python3-torch python3-torchvision python3-pil" % e)


# openai/CLIP clip/model.py, image side, as published.
class LayerNorm(nn.LayerNorm):
    def forward(self, x):
        orig_type = x.dtype
        return super().forward(x.type(torch.float32)).type(orig_type)


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, d_model, n_head):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, n_head)
        self.ln_1 = LayerNorm(d_model)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(d_model, d_model * 4)),
            ("gelu", QuickGELU()),
            ("c_proj", nn.Linear(d_model * 4, d_model)),
        ]))
        self.ln_2 = LayerNorm(d_model)

    def attention(self, x):
        return self.attn(x, x, x, need_weights=False)[0]

    def forward(self, x):
        x = x + self.attention(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class VisionTransformer(nn.Module):
    def __init__(self, input_resolution=224, patch_size=32, width=768, layers=12, heads=12, output_dim=512):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch_size, stride=patch_size, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn((input_resolution // patch_size) ** 2 + 1, width))
        self.ln_pre = LayerNorm(width)
        self.transformer = nn.Sequential(*[ResidualAttentionBlock(width, heads) for _ in range(layers)])
        self.ln_post = LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x):
        x = self.conv1(x)
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)
        cls = self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype)
        x = torch.cat([cls, x], dim=1)
        x = self.ln_pre(x + self.positional_embedding.to(x.dtype))
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)
        return self.ln_post(x[:, 0, :]) @ self.proj


def convert_image_to_rgb(image):
    return image.convert("RGB")


def transform(n_px):  # clip._transform
    return Compose([
        Resize(n_px, interpolation=InterpolationMode.BICUBIC),
        CenterCrop(n_px),
        convert_image_to_rgb,
        ToTensor(),
        Normalize((0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711)),
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", help="folder of photos (every file in it, sorted by name)")
    parser.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0 = torch's default)")
    parser.add_argument("--limit", type=int, default=0, help="at most this many photos (0 = all)")
    args = parser.parse_args()

    try:
        names = sorted(n for n in os.listdir(args.folder) if os.path.isfile(os.path.join(args.folder, n)))
    except OSError as e:
        fail("%s: %s" % (args.folder, e.strerror))
    if args.limit > 0:
        names = names[:args.limit]
    if not names:
        fail("%s: no photos" % args.folder)

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = VisionTransformer().eval()
    preprocess = transform(224)
    with torch.no_grad():
        model(torch.zeros(1, 3, 224, 224))  # first-call allocations are not the loop's cost

    prep_seconds = 0.0
    encode_seconds = 0.0
    start = time.perf_counter()
    for name in names:  # the blog's loop
        t0 = time.perf_counter()
        image = Image.open(os.path.join(args.folder, name))
        image_input = preprocess(image).unsqueeze(0)
        t1 = time.perf_counter()
        with torch.no_grad():
            features = model(image_input)
        features /= features.norm(dim=-1, keepdim=True)
        t2 = time.perf_counter()
        prep_seconds += t1 - t0
        encode_seconds += t2 - t1
    seconds = time.perf_counter() - start

    print(json.dumps({
        "photos": len(names),
        "seconds": seconds,
        "photos_per_second": len(names) / seconds,
        "open_preprocess_seconds": prep_seconds,
        "encode_seconds": encode_seconds,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "pillow": PIL.__version__,
    }))


if __name__ == "__main__":
    main()
