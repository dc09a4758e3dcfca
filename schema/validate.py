#!/usr/bin/env python3
"""Validates CloudEvents envelopes (one JSON document per line) against the gateway's schemas.

Usage: schema/validate.py ENVELOPES.jsonl   (exit 0 when all are valid; problems on stderr)
Needs the `jsonschema` package (pip install jsonschema).
"""
import json, os, sys
try:
    import jsonschema
    from referencing import Registry, Resource
except ImportError:
    sys.stderr.write("python3 cannot import jsonschema: run `pip install jsonschema`\n")
    sys.exit(3)

here = os.path.dirname(os.path.abspath(__file__))
def load(name):
    with open(os.path.join(here, name), encoding="utf-8") as f:
        return json.load(f)
event, envelope = load("meeting-event.v1.json"), load("cloudevent-envelope.json")
registry = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in (event, envelope)])
validator = jsonschema.Draft202012Validator(envelope, registry=registry,
                                            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
bad = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        if not line.strip():
            continue
        for err in validator.iter_errors(json.loads(line)):
            bad += 1
            where = "/".join(str(p) for p in err.absolute_path)
            sys.stderr.write(f"line {n}: {where}: {err.message[:300]}\n")
print(f"validated {n if 'n' in dir() else 0} envelope(s), {bad} problem(s)")
sys.exit(1 if bad else 0)
