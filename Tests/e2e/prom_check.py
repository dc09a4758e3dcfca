#!/usr/bin/env python3
"""Validates Prometheus text exposition format 0.0.4 read from stdin (standard library only).

Checks: every sample belongs to a family declared with # HELP and # TYPE (once each, before its
samples); names and label syntax are valid; values parse as floats; histogram buckets are
cumulative, end with le="+Inf", and _count equals the +Inf bucket. Exit 0 if valid, else prints
the problems and exits 1.
"""
import re, sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"^({NAME})(\{{(?:{LABEL}(?:,{LABEL})*)?\}})? (\S+)$")

def main():
    problems, helps, types, hist = [], set(), {}, {}
    for n, line in enumerate(sys.stdin.read().splitlines(), 1):
        if not line:
            continue
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            if name in helps: problems.append(f"{n}: second HELP for {name}")
            helps.add(name)
            continue
        if line.startswith("# TYPE "):
            parts = line.split(" ")
            if len(parts) != 4 or parts[3] not in ("counter", "gauge", "histogram", "summary", "untyped"):
                problems.append(f"{n}: bad TYPE line"); continue
            if parts[2] in types: problems.append(f"{n}: second TYPE for {parts[2]}")
            types[parts[2]] = parts[3]
            continue
        if line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            problems.append(f"{n}: not a sample line: {line!r}"); continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        try:
            float(value)
        except ValueError:
            problems.append(f"{n}: bad value {value!r}")
        family = name
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix) and types.get(name[: -len(suffix)]) == "histogram":
                family = name[: -len(suffix)]
        if family not in types or family not in helps:
            problems.append(f"{n}: sample {name} before its HELP/TYPE")
        if types.get(family) == "counter" and float(value) < 0:
            problems.append(f"{n}: negative counter")
        if types.get(family) == "histogram":
            rest = re.sub(r',?le="[^"]*"', "", labels).replace("{,", "{")
            key = (family, "" if rest == "{}" else rest)
            h = hist.setdefault(key, {"buckets": [], "count": None})
            if name.endswith("_bucket"):
                le = re.search(r'le="([^"]*)"', labels)
                if not le: problems.append(f"{n}: bucket without le")
                else: h["buckets"].append((le.group(1), float(value)))
            elif name.endswith("_count"):
                h["count"] = float(value)
    for (family, labels), h in hist.items():
        counts = [c for _, c in h["buckets"]]
        if counts != sorted(counts): problems.append(f"{family}{labels}: buckets not cumulative")
        if not h["buckets"] or h["buckets"][-1][0] != "+Inf": problems.append(f"{family}{labels}: no +Inf bucket")
        elif h["count"] != h["buckets"][-1][1]: problems.append(f"{family}{labels}: _count != +Inf bucket")
    for p in problems:
        print(p)
    print(f"prom_check: {len(types)} families, {len(problems)} problems")
    return 1 if problems else 0

if __name__ == "__main__":
    sys.exit(main())
