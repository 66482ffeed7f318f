#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the crafted model files of tests/data/hostile/ (see README.md). Run from this folder with Debian's
/usr/bin/python3 (torch 1.13): the two setstate-*.pt archives come from torch.jit.script + save; everything else is
assembled byte by byte here. Output is deterministic."""

import json
import struct
import zipfile

MARKER = "clipfind-hostile-marker"  # relative: created in the working directory of whoever runs the payload


# --- pickle assembly (protocol 2, the opcodes torch's own pickler writes) -----------------------------------------

def unicode(s):
    b = s.encode("utf-8")
    return b"X" + struct.pack("<I", len(b)) + b


def integer(n):
    if 0 <= n < 256:
        return b"K" + bytes([n])
    if 0 <= n < 65536:
        return b"M" + struct.pack("<H", n)
    if -2**31 <= n < 2**31:
        return b"J" + struct.pack("<i", n)
    raw = n.to_bytes(9, "little", signed=True).rstrip(b"\x00") or b"\x00"
    if raw[-1] & 0x80:
        raw += b"\x00"
    return b"\x8a" + bytes([len(raw)]) + raw


def global_(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def tup(*items):
    return b"(" + b"".join(items) + b"t"


def tensor(key, numel, size, stride, offset=0, storage="FloatStorage"):
    """torch._utils._rebuild_tensor_v2 over the persistent id ('storage', torch.<storage>, key, 'cpu', numel)."""
    pid = tup(unicode("storage"), global_("torch", storage), unicode(key), unicode("cpu"), integer(numel)) + b"Q"
    hooks = global_("collections", "OrderedDict") + b")R"
    args = tup(pid, integer(offset), tup(*map(integer, size)), tup(*map(integer, stride)), b"\x89", hooks)
    return global_("torch._utils", "_rebuild_tensor_v2") + args + b"R"


def module(cls, attributes):
    """A TorchScript module object: GLOBAL __torch__.<cls>, NEWOBJ, then BUILD with its attribute dict."""
    items = b"".join(unicode(k) + v for k, v in attributes)
    return global_("__torch__", cls) + b")\x81}(" + items + b"ub"


def pickle_bytes(body):
    return b"\x80\x02" + body + b"."


# --- archives --------------------------------------------------------------------------------------------------

def write_archive(path, data_pkl, records=None, code=None, extra=None):
    """A zip laid out as torch.jit.save lays it out: <name>/data.pkl, constants.pkl, version, data/<key>, code/."""
    name = path[:-3]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for record, payload in (extra or {}).items():
            z.writestr(zipfile.ZipInfo(f"{name}/{record}", (1980, 1, 1, 0, 0, 0)), payload)
        for key, payload in (records or {"0": struct.pack("<2f", 1.5, -2.0)}).items():
            z.writestr(zipfile.ZipInfo(f"{name}/data/{key}", (1980, 1, 1, 0, 0, 0)), payload)
        z.writestr(zipfile.ZipInfo(f"{name}/data.pkl", (1980, 1, 1, 0, 0, 0)), data_pkl)
        z.writestr(zipfile.ZipInfo(f"{name}/constants.pkl", (1980, 1, 1, 0, 0, 0)), b"\x80\x02).")
        z.writestr(zipfile.ZipInfo(f"{name}/version", (1980, 1, 1, 0, 0, 0)), b"3\n")
        z.writestr(zipfile.ZipInfo(f"{name}/code/__torch__.py", (1980, 1, 1, 0, 0, 0)),
                   code or f'print("hostile code ran")\ntorch.from_file("{MARKER}", True, 1)\n')


def good_weight():
    return tensor("0", 2, [2], [1])


def crafted_archives():
    touch = unicode(f"touch {MARKER}")
    write_archive("os-system.pt", pickle_bytes(global_("os", "system") + b"(" + touch + b"tR"))
    write_archive("builtins-eval.pt", pickle_bytes(
        global_("builtins", "eval") + b"(" + unicode(f"open('{MARKER}', 'w')") + b"tR"))
    # The payload hides among real attributes: a module whose second attribute is posix.system(...).
    write_archive("posix-system-nested.pt", pickle_bytes(module("Net", [
        ("weight", good_weight()), ("note", global_("posix", "system") + b"(" + touch + b"tR")])))
    # Protocol 4's STACK_GLOBAL builds the global's name on the stack, out of sight of a GLOBAL check.
    write_archive("stack-global.pt", b"\x80\x04" + unicode("os") + unicode("system") + b"\x93(" + touch + b"tR.")
    write_archive("numel-overflow.pt", pickle_bytes(module("Net", [("weight", tensor("0", 2**62, [2], [1]))])))
    write_archive("view-outside-storage.pt", pickle_bytes(module("Net", [("weight", tensor("0", 2, [1000], [1]))])))
    write_archive("offset-outside-storage.pt",
                  pickle_bytes(module("Net", [("weight", tensor("0", 2, [2], [1], offset=2**40))])))
    write_archive("shape-overflow.pt", pickle_bytes(module("Net", [
        ("weight", tensor("0", 2, [2**40, 2**40, 0], [1, 1, 1]))])))
    write_archive("negative-stride.pt", pickle_bytes(module("Net", [("weight", tensor("0", 2, [2], [-1]))])))
    write_archive("record-too-small.pt", pickle_bytes(module("Net", [("weight", tensor("0", 1000, [1000], [1]))])))
    write_archive("storage-key-traversal.pt", pickle_bytes(module("Net", [
        ("weight", tensor("../../../etc/passwd", 2, [2], [1]))])))
    write_archive("missing-record.pt", pickle_bytes(module("Net", [("weight", tensor("7", 2, [2], [1]))])))
    write_archive("big-endian.pt", pickle_bytes(module("Net", [("weight", good_weight())])),
                  extra={"byteorder": b"big"})
    deep = good_weight()
    for depth in range(100):
        deep = module("Net", [("child", deep)])
    write_archive("deep-modules.pt", pickle_bytes(deep))
    write_archive("deep-marks.pt", pickle_bytes(b"(" * 5000 + b"N" + b"t" * 5000))
    write_archive("huge-string.pt", pickle_bytes(b"X" + struct.pack("<I", 0xFFFFFFF0) + b"abc"))
    write_archive("memo-far-index.pt", pickle_bytes(b"N" + b"r\xff\xff\xff\xff" + b"j\xfe\xff\xff\xff"))


# --- TorchScript archives whose code runs when torch.jit.load opens them ----------------------------------------

def scripted_archives():
    import torch
    from typing import Dict, Tuple

    class SetStateDict(torch.nn.Module):
        """__setstate__ runs inside torch.jit.load: it prints a line and creates the marker file."""

        def __init__(self):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.tensor([1.5, -2.0]))

        def forward(self, x):
            return x + self.weight

        @torch.jit.export
        def __getstate__(self):
            return {"weight": self.weight}

        @torch.jit.export
        def __setstate__(self, state: Dict[str, torch.Tensor]):
            print("hostile code ran")
            marker = torch.from_file("clipfind-hostile-marker", True, 1)
            self.weight = state["weight"] + marker.sum() * 0
            self.training = False

    class SetStateTuple(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.tensor([1.5, -2.0]))

        def forward(self, x):
            return x + self.weight

        @torch.jit.export
        def __getstate__(self):
            return (self.weight, self.training)

        @torch.jit.export
        def __setstate__(self, state: Tuple[torch.Tensor, bool]):
            print("hostile code ran")
            marker = torch.from_file("clipfind-hostile-marker", True, 1)
            self.weight = state[0] + marker.sum() * 0
            self.training = state[1]

    torch.jit.script(SetStateDict()).save("setstate-dict.pt")
    torch.jit.script(SetStateTuple()).save("setstate-tuple.pt")


# --- safetensors -----------------------------------------------------------------------------------------------

def write_safetensors(path, tensors):
    """tensors: name -> (shape, number of float32 values actually stored)."""
    header, data = {}, b""
    for name, (shape, count) in tensors.items():
        payload = struct.pack(f"<{count}f", *([0.25] * count))
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    text = json.dumps(header, separators=(",", ":")).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def clip_like(conv1=(64, 3, 2, 2), width=64):
    """The smallest tensor set that passes the loader's first checks (names, ranks, one layer per tower)."""
    n = 1
    for d in conv1:
        n *= d
    return {
        "visual.conv1.weight": (list(conv1), n),
        "visual.positional_embedding": ([5, width], 5 * width),
        "visual.transformer.resblocks.0.ln_1.weight": ([width], width),
        "text_projection": ([width, 8], width * 8),
        "ln_final.weight": ([width], width),
        "positional_embedding": ([4, width], 4 * width),
        "token_embedding.weight": ([10, width], 10 * width),
        "transformer.resblocks.0.ln_1.weight": ([width], width),
    }


def crafted_safetensors():
    write_safetensors("zero-patch.safetensors", clip_like(conv1=(64, 3, 0, 0)))
    long_hf = clip_like()
    long_hf["text_model.encoder.layers.0." + "x" * 200000] = ([1], 1)
    write_safetensors("long-name-hf.safetensors", long_hf)
    long_digits = clip_like()
    long_digits["visual.transformer.resblocks." + "1" * 200000 + ".ln_1.weight"] = ([1], 1)
    write_safetensors("long-layer-number.safetensors", long_digits)
    write_safetensors("negative-shape.safetensors", {"visual.conv1.weight": ([-1, 4], 0)})
    write_safetensors("absurd-shape.safetensors", {"visual.conv1.weight": ([2**62, 2**62], 0)})
    write_safetensors("overflow-with-zero.safetensors", {"visual.conv1.weight": ([0, 2**40, 2**40], 0)})
    absurd = clip_like()
    absurd["text_projection"] = ([0, 2**40], 0)  # an embedding width of 2^40, in zero bytes
    write_safetensors("absurd-embed-dim.safetensors", absurd)
    # A JSON error whose message quotes the offending input: a raw newline after a backslash (found by fuzzing).
    header = b'{"a\\\n": 1}'
    with open("json-error-newline.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header)


if __name__ == "__main__":
    crafted_archives()
    scripted_archives()
    crafted_safetensors()
