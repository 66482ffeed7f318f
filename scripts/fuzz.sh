#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the libFuzzer targets of issue 11 on their corpora:
#
#     bash scripts/fuzz.sh [--seconds N] [TARGET...] [-- libFuzzer options]    # every target when none is named
#     bash scripts/fuzz.sh TARGET SECONDS [libFuzzer options]                  # the same for one target
#
# TARGET is checkpoint (TorchScript zip + restricted unpickler, safetensors, Hugging Face folders, config inference),
# image (header probe, JPEG/PNG/TIFF/WebP/... decode, EXIF orientation and date), text (cleaning, BPE tokenizer,
# query parser) or formats (the engine's JSON and NPY readers). Each runs N seconds (default 60), one after the other
# on one core. Builds build-fuzz (clang-14, CLIPFIND_FUZZ=ON: ClipFind's code with libFuzzer coverage, ASan and
# UBSan) when it is missing. The corpus is build-fuzz/corpus/TARGET, seeded from tests/data on first use and kept
# between runs; a crash, a leak or a slow input (over 10 s) is written to build-fuzz/findings/TARGET/ and the exit
# code is 1. Every finding becomes a regression test with the input under tests/data/hostile.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(checkpoint image text formats)
usage="usage: $0 [--seconds N] [checkpoint|image|text|formats...] [-- libFuzzer options]"
seconds=60
targets=()
extra=()
if [ $# -ge 2 ] && [[ $1 != -* ]] && [[ $2 =~ ^[0-9]+$ ]]; then
    targets=("$1")
    seconds=$2
    shift 2
    extra=("$@")
else
    while [ $# -gt 0 ]; do
        case "$1" in
            --seconds) [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }; seconds=$2; shift 2 ;;
            --) shift; extra=("$@"); break ;;
            -h|--help) echo "$usage"; exit 0 ;;
            -*) echo "$usage" >&2; exit 2 ;;
            *) targets+=("$1"); shift ;;
        esac
    done
fi
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    case " ${all_targets[*]} " in
        *" $target "*) ;;
        *) echo "$0: unknown target '$target' (checkpoint, image, text, formats)" >&2; exit 2 ;;
    esac
done

build=${CLIPFIND_FUZZ_BUILD:-build-fuzz}
if [ ! -f "$build/build.ninja" ]; then
    bash scripts/configure-fuzz.sh "$build" -DBUILD_TESTING=OFF
fi
cmake --build "$build" --parallel "${CLIPFIND_BUILD_JOBS:-2}" --target "${targets[@]/#/fuzz_}"

# seed TARGET CORPUS: the first inputs of TARGET's corpus, from tests/data.
seed() {
    local target=$1 corpus=$2 data=tests/data
    case "$target" in
        checkpoint)
            cp "$data"/hostile/*.pt "$data"/hostile/*.safetensors "$data"/tiny-hf/config.json "$corpus"/
            # The pickles inside the archives, as the unpickler sees them.
            python3 - "$corpus" "$data"/hostile/*.pt <<'EOF'
import sys, zipfile
for i, path in enumerate(sys.argv[2:]):
    try:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.endswith('.pkl'):
                    with open(f'{sys.argv[1]}/pickle-{i}-{name.replace("/", "_")}', 'wb') as out:
                        out.write(z.read(name))
    except (zipfile.BadZipFile, OSError):
        pass
EOF
            ;;
        image)
            cp "$data"/images/* "$data"/hostile/*.tif "$data"/hostile/*.jpg "$data"/hostile/*.png "$corpus"/
            ;;
        text)
            cp "$data"/hostile/*.txt "$corpus"/
            python3 - "$corpus" "$data"/tokenizer_cases.json <<'EOF'
import json, sys
def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
texts = set(strings(json.load(open(sys.argv[2], encoding='utf-8'))))
texts |= {'dog + snow', 'beach - people', '2:sunset + 0.5:beach', '"/photos/my cat.jpg" - cat', './x.jpg + y',
          'file:///tmp/a%20b.png', '~/p.jpg', '12:30', 't-shirt', '&amp;lt;', '\x1b[31mred\x1b[0m'}
for i, text in enumerate(sorted(texts)):
    with open(f'{sys.argv[1]}/text-{i}', 'w', encoding='utf-8') as out:
        out.write(text)
EOF
            ;;
        formats)
            cp "$data"/tiny-hf/config.json "$corpus"/
            find "$data" -name '*.json' -size -64k -exec cp --backup=numbered {} "$corpus"/ \;
            # Small float32 arrays (the fixtures' are 588 KB): NPY 1.0 and 2.0 headers.
            python3 - "$corpus" <<'EOF'
import struct, sys
def npy(shape, version):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % (repr(tuple(shape)),)
    size_bytes = 2 if version == 1 else 4
    pad = 64 - (10 + size_bytes - 2 + len(header) + 1) % 64
    header += ' ' * pad + '\n'
    count = 1
    for n in shape:
        count *= n
    values = struct.pack('<%df' % count, *[i / 7 for i in range(count)])
    return (b'\x93NUMPY' + bytes([version, 0]) + struct.pack('<H' if version == 1 else '<I', len(header))
            + header.encode('latin-1') + values)
for i, (shape, version) in enumerate([((2, 3), 1), ((4,), 1), ((1, 2, 2), 2), ((), 1), ((0, 5), 1)]):
    with open(f'{sys.argv[1]}/array-{i}.npy', 'wb') as out:
        out.write(npy(shape, version))
EOF
            ;;
    esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
for target in "${targets[@]}"; do
    quiet=()
    case "$target" in
        checkpoint) max_len=262144 ;; # the crafted archives are up to 212 KB
        image) max_len=262144; quiet=(-close_fd_mask=2) ;; # OpenCV and libpng print every failed decode
        text) max_len=65536 ;;        # 64 KB queries: -timeout makes anything superlinear a finding
        formats) max_len=65536 ;;
    esac
    corpus=$build/corpus/$target
    findings=$build/findings/$target
    mkdir -p "$corpus" "$findings"
    if [ -z "$(ls -A "$corpus")" ]; then
        seed "$target" "$corpus"
    fi
    echo "fuzz.sh: fuzz_$target for $seconds s on $(ls "$corpus" | wc -l) inputs in $corpus" >&2
    "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 -max_len="$max_len" \
        -artifact_prefix="$findings/" -print_final_stats=1 "${quiet[@]}" "${extra[@]}" "$corpus" || status=1
done
exit $status
