#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Shows that the crafted archives of this folder really carry code: in a scratch directory, each payload is
handed to the loader it targets (Python's pickle for data.pkl, torch.jit.load for the setstate-*.pt archives) and
must create the marker file there. Never run this on anything you care about; ClipFind's tests never run it."""

import io
import os
import pickle
import shutil
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
MARKER = "clipfind-hostile-marker"


class Permissive(pickle.Unpickler):
    """Python's own unpickler, except that __torch__ classes and torch rebuild helpers become inert stand-ins, so
    that a payload hidden among module attributes is reached as an unsuspecting loader would reach it."""

    def find_class(self, module, name):
        if module.startswith("__torch__") or module.startswith("torch"):
            return type(name, (), {"__init__": lambda self, *a: None, "__setstate__": lambda self, s: None})
        return super().find_class(module, name)

    def persistent_load(self, pid):
        return None


def runs_payload(archive, load):
    scratch = tempfile.mkdtemp()
    cwd = os.getcwd()
    try:
        os.chdir(scratch)
        try:
            load(os.path.join(HERE, archive))
        except Exception as e:  # the payload has run (or not) by the time anything fails
            print(f"  ({archive}: {type(e).__name__}: {str(e).splitlines()[0][:80]})")
        return os.path.exists(MARKER)
    finally:
        os.chdir(cwd)
        shutil.rmtree(scratch)


def via_pickle(path):
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.endswith("/data.pkl"))
        Permissive(io.BytesIO(z.read(name))).load()


def via_torch(path):
    import torch
    torch.jit.load(path)


ok = True
for archive in ["os-system.pt", "builtins-eval.pt", "posix-system-nested.pt", "stack-global.pt"]:
    ran = runs_payload(archive, via_pickle)
    print(f"{archive}: pickle.load {'creates' if ran else 'does NOT create'} the marker")
    ok &= ran
for archive in ["setstate-dict.pt", "setstate-tuple.pt"]:
    ran = runs_payload(archive, via_torch)
    print(f"{archive}: torch.jit.load {'creates' if ran else 'does NOT create'} the marker")
    ok &= ran
sys.exit(0 if ok else 1)
