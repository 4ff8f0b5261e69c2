"""Differential test of fakepbx's JSON Schema validator against Python's jsonschema (an independent
implementation), on the official draft 2020-12 suite and on the project's own contracts with
instances derived from the recorded documentation examples (the answers as they are, and mutated:
types swapped, fields dropped, blanked, given odd Unicode).

Each instance is validated by both; every disagreement is printed with the schema, the instance
and both verdicts. Known deviations of jsonschema are counted apart, not hidden:
  - ECMA-262 regular expressions: jsonschema uses Python's `re`, where `\\d` and `\\w` match any
    Unicode digit or letter (ECMA: ASCII only) and `$` matches before a final line feed;
  - formats jsonschema checks only with optional packages installed (it passes what it cannot check).
Exit status: 0 when every disagreement is a known deviation, 1 otherwise.

    python3 scripts/bench/differential.py [FAKEPBX_BINARY] [SUITE_DIR]
"""
import copy, json, os, pathlib, random, re, subprocess, sys, tempfile
import jsonschema
from referencing import Registry, Resource

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".build/release/fakepbx")
SUITE = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else ROOT.parent / "shared/JSON-Schema-Test-Suite")
CONTRACTS = ROOT / "Contracts/schemas"
ODD = ["e\u0301", "\u00e9", "\uff11", "", " ", "\u0000", "١٢٣", "2024-02-30", "0.", "𝟘", "a\nb"]


def fakepbx_verdicts(schema, instances, ref_dir=None, base=None):
    """fakepbx's verdict for each instance: True, False, or an error text."""
    with tempfile.TemporaryDirectory() as tmp:
        schema_path = pathlib.Path(base or tmp) / f"differential-{os.getpid()}.json"
        schema_path.write_text(json.dumps(schema))
        paths = []
        for i, instance in enumerate(instances):
            path = pathlib.Path(tmp) / f"{i}.json"
            path.write_text(json.dumps(instance))
            paths.append(str(path))
        command = [BINARY, "schema", "validate", "--schema", str(schema_path), "--format-assertion", "--output", "json"]
        if ref_dir:
            command += ["--ref-dir", str(ref_dir)]
        try:
            result = subprocess.run(command + paths, capture_output=True, text=True)
        finally:
            if base:
                schema_path.unlink()
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        if len(lines) != len(instances):
            return [f"error: {result.stderr.strip()[:200]}"] * len(instances)
        return [json.loads(line)["valid"] for line in lines]


def python_verdicts(schema, instances, registry=None, base_uri=""):
    cls = jsonschema.Draft202012Validator
    kwargs = {"format_checker": cls.FORMAT_CHECKER}
    if registry is not None:
        kwargs["registry"] = registry
    if base_uri:
        schema = {**schema, "$id": base_uri} if isinstance(schema, dict) and "$id" not in schema else schema
    try:
        validator = cls(schema, **kwargs)
        return [validator.is_valid(instance) for instance in instances]
    except Exception as error:  # an unresolvable reference, a bad regex
        return [f"error: {type(error).__name__}"] * len(instances)


def known_deviation(schema, instance, theirs):
    text = json.dumps(schema)
    if isinstance(theirs, str) and "\\\\p{" in text:
        return "regex: Python's re has no \\p{…} property escapes"
    if '"pattern' in text or "patternProperties" in text:
        flat = json.dumps(instance, ensure_ascii=False)
        if any(ord(c) > 127 for c in flat) or "\\n" in flat:
            return "regex: Python's re is not ECMA-262"
    if '"format"' in text:
        return "format: jsonschema checks it only with optional packages"
    return None


def mutations(value, rng, depth=0):
    yield value
    if isinstance(value, dict) and depth < 3:
        for key in list(value)[:8]:
            dropped = dict(value); del dropped[key]; yield dropped
            for replacement in [None, 1, "1", [], {}, rng.choice(ODD), True]:
                changed = dict(value); changed[key] = replacement; yield changed
            for inner in list(mutations(value[key], rng, depth + 1))[1:6]:
                changed = dict(value); changed[key] = inner; yield changed
    elif isinstance(value, list) and value and depth < 3:
        yield value[:0]
        yield value + value[:1]
        for inner in list(mutations(value[0], rng, depth + 1))[1:6]:
            yield [inner] + value[1:]
    elif isinstance(value, str):
        yield from [v for v in ODD if v != value][:4]


def suite_groups():
    folder = SUITE / "tests/draft2020-12"
    if not folder.is_dir():
        sys.exit(f"{folder} is missing: give the JSON-Schema-Test-Suite folder as the second argument")
    for path in sorted(folder.glob("*.json")):
        for group in json.loads(path.read_text()):
            if "localhost:1234" in json.dumps(group["schema"]):
                continue  # remote references: the two tools are given their documents differently
            yield f"{path.name}: {group['description']}", group["schema"], [test["data"] for test in group["tests"]]


def contract_groups(rng):
    cassette = json.loads((ROOT / "Recordings/ictvoip-docs.json").read_text())
    bodies = [e["response"]["body"] for e in cassette.get("exchanges", []) if isinstance(e.get("response", {}).get("body"), (dict, list))]
    for path in sorted((CONTRACTS / "responses").glob("*.json")):
        document = json.loads(path.read_text())
        for name in document.get("$defs", {}):
            schema = {"$ref": f"responses/{path.name}#/$defs/{name}"}
            instances = []
            for body in bodies:
                instances += list(mutations(copy.deepcopy(body), rng))[:40]
            yield f"responses/{path.name}#/$defs/{name}", schema, instances


def main():
    rng = random.Random(14)
    resources = []
    for path in CONTRACTS.rglob("*.json"):
        resources.append((path.resolve().as_uri(), Resource.from_contents(json.loads(path.read_text()))))
    registry = Registry().with_resources(resources)
    total = agreed = 0
    known = {}
    unexpected = []
    for origin, groups in [("suite", suite_groups()), ("contracts", contract_groups(rng))]:
        for name, schema, instances in groups:
            if origin == "contracts":
                mine = fakepbx_verdicts(schema, instances, ref_dir=CONTRACTS, base=CONTRACTS)
                theirs = python_verdicts(schema, instances, registry, base_uri=(CONTRACTS / "differential.json").as_uri())
            else:
                mine = fakepbx_verdicts(schema, instances)
                theirs = python_verdicts(schema, instances)
            for instance, a, b in zip(instances, mine, theirs):
                total += 1
                if a == b:
                    agreed += 1
                    continue
                reason = known_deviation(schema, instance, b)
                if reason:
                    known[reason] = known.get(reason, 0) + 1
                else:
                    unexpected.append((name, instance, a, b))
    print(f"{total} validations: {agreed} agree, {sum(known.values())} known deviations of jsonschema, {len(unexpected)} unexplained")
    for reason, count in sorted(known.items()):
        print(f"  known: {count} × {reason}")
    for name, instance, a, b in unexpected[:40]:
        print(f"  DISAGREE {name}: instance {json.dumps(instance, ensure_ascii=False)[:160]}: fakepbx {a}, jsonschema {b}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
