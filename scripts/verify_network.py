#!/usr/bin/env python3
"""Independent checker of memonet network files (format "memonet-relu-network", version 1).

Written from the README's "Network file format" section alone: it shares no code with memonet,
uses only the Python standard library, and does all arithmetic on integers (every number is a
dyadic rational m * 2^e held as a pair of Python ints). It reads the raw data, applies the
file's preprocessing with the exact float32/float64 rounding steps memonet uses, evaluates the
network exactly on every point and checks the output against the label.

Usage:
  verify_network.py NET.json --csv DATA.csv [--label-column NAME|INDEX]
  verify_network.py NET.json --idx IMAGES LABELS [--idx IMAGES2 LABELS2] [--rows ROWS.txt]

Several --idx pairs are concatenated in order (MNIST "all" = train then t10k, as memonet).

Exit status: 0 when every point is memorized, 1 when a point is not or the file is invalid,
2 for bad arguments.
"""

import argparse
import csv
import json
import re
import struct
import sys
from fractions import Fraction

MANTISSA = re.compile(r"^(-?)(0x[0-9a-fA-F]+|[0-9]+)$")
FLOAT32 = (24, -149, 128)  # significand bits, exponent of the smallest quantum, 2^emax bound
FLOAT64 = (53, -1074, 1024)


class Invalid(Exception):
    """The network file or the data do not follow the format."""


# ---- exact dyadic numbers (m, e): value m * 2^e ------------------------------------------


def add(a, b):
    (am, ae), (bm, be) = a, b
    if am == 0:
        return b
    if bm == 0:
        return a
    e = min(ae, be)
    return ((am << (ae - e)) + (bm << (be - e)), e)


def mul(a, b):
    return (a[0] * b[0], a[1] + b[1])


def sub(a, b):
    return add(a, (-b[0], b[1]))


def compare(a, b):
    d = sub(a, b)[0]
    return (d > 0) - (d < 0)


def from_fraction(q):
    """A Fraction whose denominator is a power of two, as (m, e)."""
    den = q.denominator
    if den & (den - 1):
        raise Invalid(f"{q} is not a dyadic rational")
    return (q.numerator, -(den.bit_length() - 1))


def round_binary(num, den, fmt, what):
    """num/den rounded to the nearest binary floating-point number of format fmt (ties to even)."""
    bits, quantum_min, emax = fmt
    if num == 0:
        return (0, 0)
    sign = -1 if num < 0 else 1
    num = abs(num)
    # e: exponent of the quantum, so that 2^(bits-1) <= num/den / 2^e < 2^bits (if normal).
    e = num.bit_length() - den.bit_length() - bits
    while True:
        scaled_num, scaled_den = (num, den << e) if e >= 0 else (num << -e, den)
        if scaled_num >= (scaled_den << bits):
            e += 1
        elif scaled_num < (scaled_den << (bits - 1)):
            e -= 1
        else:
            break
    e = max(e, quantum_min)
    scaled_num, scaled_den = (num, den << e) if e >= 0 else (num << -e, den)
    q, r = divmod(scaled_num, scaled_den)
    if 2 * r > scaled_den or (2 * r == scaled_den and q & 1):
        q += 1
    if q >> bits:
        q >>= 1
        e += 1
    if q.bit_length() + e > emax:
        raise Invalid(f"{what}: {Fraction(num, den)} overflows the floating-point range")
    return (sign * q, e)


def round_dyadic(v, fmt, what):
    m, e = v
    return round_binary(m << max(e, 0), 1 << max(-e, 0), fmt, what)


def to_float64(q, what):
    """An exact decimal (Fraction) as the float64 a JavaScript number holds."""
    return round_binary(q.numerator, q.denominator, FLOAT64, what)


def divide_rounded(v, d, what):
    """f64(v / d) for dyadics v, d."""
    (vm, ve), (dm, de) = v, d
    num, den = vm, dm
    shift = ve - de
    if shift >= 0:
        num <<= shift
    else:
        den <<= -shift
    if den < 0:
        num, den = -num, -den
    return round_binary(num, den, FLOAT64, what)


# ---- the network file ---------------------------------------------------------------------


def read_number(mantissa, exponent, field):
    if not isinstance(mantissa, str):
        raise Invalid(f"{field}: mantissa must be a string")
    match = MANTISSA.match(mantissa)
    if match is None:
        raise Invalid(f"{field}: mantissa {mantissa[:40]!r} is not a decimal or 0x-hex integer")
    if not isinstance(exponent, int) or isinstance(exponent, bool) or abs(exponent) > 10**9:
        raise Invalid(f"{field}: exponent must be an integer of magnitude <= 1e9")
    m = int(match.group(2), 0)
    return (-m if match.group(1) else m, exponent)


def positive_int(v, field):
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        raise Invalid(f"{field}: expected a positive integer, got {v!r}")
    return v


def index(v, bound, field, what):
    if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < bound:
        raise Invalid(f"{field}: {what} {v!r} outside 0..{bound - 1}")
    return v


def exact_positive(v, field):
    """A JSON number that must be finite and > 0, as its float64 dyadic."""
    if not isinstance(v, (int, Fraction)) or isinstance(v, bool) or v <= 0:
        raise Invalid(f"{field}: expected a number > 0")
    return to_float64(Fraction(v), field)


def load_network(path):
    with open(path, "r", encoding="utf-8") as handle:
        text = handle.read()
    try:
        doc = json.loads(text, parse_float=Fraction)
    except ValueError as e:
        raise Invalid(f"not valid JSON ({e}); truncated?")
    if not isinstance(doc, dict):
        raise Invalid("top level: expected a JSON object")
    if doc.get("format") != "memonet-relu-network":
        raise Invalid(f"format: expected \"memonet-relu-network\", got {doc.get('format')!r}")
    if doc.get("version") != 1:
        raise Invalid(f"version: this checker reads version 1, the file has {doc.get('version')!r}")
    input_dim = positive_int(doc.get("inputDim"), "inputDim")
    output_dim = positive_int(doc.get("outputDim"), "outputDim")
    if output_dim != 1:
        raise Invalid(f"outputDim: expected 1, got {output_dim}")
    raw_layers = doc.get("layers")
    if not isinstance(raw_layers, list) or not raw_layers:
        raise Invalid("layers: expected a non-empty array")
    layers, inputs = [], input_dim
    for l, raw in enumerate(raw_layers):
        field = f"layers[{l}]"
        if not isinstance(raw, dict):
            raise Invalid(f"{field}: expected an object")
        if raw.get("inputs") != inputs:
            raise Invalid(f"{field}.inputs: expected {inputs}, got {raw.get('inputs')!r}")
        outputs = positive_int(raw.get("outputs"), f"{field}.outputs")
        if not isinstance(raw.get("weights"), list) or not isinstance(raw.get("biases"), list):
            raise Invalid(f"{field}: weights and biases must be arrays")
        rows = [[] for _ in range(outputs)]
        seen = set()
        for k, w in enumerate(raw["weights"]):
            f = f"{field}.weights[{k}]"
            if not isinstance(w, list) or len(w) != 4:
                raise Invalid(f"{f}: expected [row, column, mantissa, exponent]")
            row = index(w[0], outputs, f, "row")
            col = index(w[1], inputs, f, "column")
            if (row, col) in seen:
                raise Invalid(f"{f}: a second weight for row {row}, column {col}")
            seen.add((row, col))
            value = read_number(w[2], w[3], f)
            if value[0] == 0:
                raise Invalid(f"{f}: zero weights must be left out")
            rows[row].append((col, value))
        biases = [(0, 0)] * outputs
        seen_bias = set()
        for k, b in enumerate(raw["biases"]):
            f = f"{field}.biases[{k}]"
            if not isinstance(b, list) or len(b) != 3:
                raise Invalid(f"{f}: expected [row, mantissa, exponent]")
            row = index(b[0], outputs, f, "row")
            if row in seen_bias:
                raise Invalid(f"{f}: a second bias for row {row}")
            seen_bias.add(row)
            biases[row] = read_number(b[1], b[2], f)
        layers.append((rows, biases))
        inputs = outputs
    if inputs != output_dim:
        raise Invalid(f"layers: the last layer has {inputs} outputs, outputDim is {output_dim}")
    output = doc.get("output")
    if not isinstance(output, dict):
        raise Invalid("output: expected an object")
    positive_int(output.get("classes"), "output.classes")
    if output.get("kind") == "regression":
        output = {"kind": "regression", "epsilon": exact_positive(output.get("epsilon"), "output.epsilon")}
    elif output.get("kind") == "classification":
        if output.get("labelOffset") != 1:
            raise Invalid("output.labelOffset: expected 1")
        names = output.get("classNames")
        if not isinstance(names, list) or len(names) != output["classes"]:
            raise Invalid("output.classNames: expected one name per class")
        output = {"kind": "classification", "classNames": names}
    else:
        raise Invalid(f"output.kind: expected \"classification\" or \"regression\"")
    pre = doc.get("preprocessing")
    steps = []
    if pre is not None:
        if not isinstance(pre, dict):
            raise Invalid("preprocessing: expected an object")
        if pre.get("pixelMax") is not None:
            steps.append(("divide", exact_positive(pre["pixelMax"], "preprocessing.pixelMax")))
        steps.append(("multiply", exact_positive(pre.get("scale"), "preprocessing.scale")))
    return input_dim, layers, output, steps


# ---- data, preprocessing and evaluation --------------------------------------------------


def preprocess(raw, steps, what):
    """Raw feature (a dyadic float32 value) -> network input, rounding as memonet does."""
    v = raw
    for op, c in steps:
        if op == "divide":  # f32(f64(x / pixelMax))
            v = round_dyadic(divide_rounded(v, c, what), FLOAT32, what)
        else:  # f32(f64(x * scale))
            v = round_dyadic(round_dyadic(mul(v, c), FLOAT64, what), FLOAT32, what)
    return v


def evaluate(layers, x):
    values = x
    last = len(layers) - 1
    for l, (rows, biases) in enumerate(layers):
        out = []
        for i, row in enumerate(rows):
            acc = biases[i]
            for col, w in row:
                v = values[col]
                if v[0] != 0:
                    acc = add(acc, mul(w, v))
            if l < last and acc[0] < 0:
                acc = (0, 0)
            out.append(acc)
        values = out
    return values[0]


def read_csv(path, label_column, dim):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = [r for r in csv.reader(handle) if any(f.strip() for f in r)]
    if not rows:
        raise Invalid(f"{path}: no rows")
    width = len(rows[0])
    if label_column is None:
        label_index = width - 1
    elif re.fullmatch(r"-?\d+", label_column):
        label_index = int(label_column) % width
    else:
        names = [f.strip() for f in rows[0]]
        if label_column not in names:
            raise Invalid(f"{path}: no column named {label_column!r}")
        label_index = names.index(label_column)

    def number(text):
        try:
            return Fraction(text.strip())
        except ValueError:
            return None

    if any(number(f) is None for c, f in enumerate(rows[0]) if c != label_index):
        rows = rows[1:]  # a header
    points = []
    for r, fields in enumerate(rows):
        if len(fields) != width:
            raise Invalid(f"{path}: data row {r}: expected {width} fields")
        point = []
        for c, f in enumerate(fields):
            if c == label_index:
                continue
            q = number(f)
            if q is None:
                raise Invalid(f"{path}: data row {r}, column {c + 1}: not a number")
            # The text is read as a float64 (JavaScript Number) and stored as a float32.
            what = f"{path}: data row {r}, column {c + 1}"
            point.append(round_dyadic(to_float64(q, what), FLOAT32, what))
        if len(point) != dim:
            raise Invalid(f"{path}: data row {r}: {len(point)} features, the network takes {dim}")
        points.append((point, fields[label_index].strip()))
    return points


def read_idx(pairs, rows_path, dim):
    images, labels = [], []
    for images_path, labels_path in pairs:
        with open(images_path, "rb") as handle:
            data = handle.read()
        magic, count = struct.unpack(">II", data[:8])
        if magic != 0x803:
            raise Invalid(f"{images_path}: not an IDX image file of unsigned bytes")
        rows_, cols = struct.unpack(">II", data[8:16])
        if rows_ * cols != dim or len(data) != 16 + count * dim:
            raise Invalid(f"{images_path}: {rows_}x{cols} images, the network takes {dim} inputs")
        with open(labels_path, "rb") as handle:
            raw_labels = handle.read()
        if struct.unpack(">II", raw_labels[:8]) != (0x801, count) or len(raw_labels) != 8 + count:
            raise Invalid(f"{labels_path}: not {count} IDX labels")
        images += [data[16 + i * dim : 16 + (i + 1) * dim] for i in range(count)]
        labels += list(raw_labels[8:])
    if rows_path is None:
        wanted = range(len(images))
    else:
        with open(rows_path, encoding="utf-8") as handle:
            wanted = [int(t) for t in handle.read().split()]
    points = []
    for i in wanted:
        if not 0 <= i < len(images):
            raise Invalid(f"{rows_path}: row {i} outside 0..{len(images) - 1}")
        points.append(([(p, 0) for p in images[i]], str(labels[i])))
    return points


def main(argv):
    parser = argparse.ArgumentParser(description="Check a memonet network file on data, exactly.")
    parser.add_argument("network")
    parser.add_argument("--csv")
    parser.add_argument("--label-column")
    parser.add_argument("--idx", nargs=2, action="append", metavar=("IMAGES", "LABELS"))
    parser.add_argument("--rows", help="file of 0-based IDX rows to check (default: all)")
    args = parser.parse_args(argv)
    if (args.csv is None) == (args.idx is None):
        parser.error("give exactly one of --csv and --idx")
    try:
        dim, layers, output, steps = load_network(args.network)
        if args.csv is not None:
            points = read_csv(args.csv, args.label_column, dim)
        else:
            points = read_idx(args.idx, args.rows, dim)
        failures = 0
        for r, (raw, label) in enumerate(points):
            x = [preprocess(v, steps, f"row {r}") for v in raw]
            y = evaluate(layers, x)
            if output["kind"] == "classification":
                if label not in output["classNames"]:
                    raise Invalid(f"row {r}: label {label!r} is not a class of the network")
                ok = compare(y, (output["classNames"].index(label) + 1, 0)) == 0
            else:
                target = to_float64(Fraction(label), f"row {r}: target")
                d = sub(y, target)
                ok = compare((abs(d[0]), d[1]), (output["epsilon"][0], output["epsilon"][1] - 1)) <= 0
            if not ok:
                failures += 1
                if failures <= 10:
                    print(f"row {r}: expected {label}, got {Fraction(y[0]) * Fraction(2) ** y[1]}")
    except (Invalid, OSError) as e:
        print(f"verify_network: error: {e}", file=sys.stderr)
        return 1
    good = len(points) - failures
    print(f"{'ok' if failures == 0 else 'FAILED'}: {good} of {len(points)} points memorized exactly")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
