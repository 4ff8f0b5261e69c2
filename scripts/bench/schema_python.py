"""Validations per second with Python's jsonschema (Draft202012Validator), for scripts/bench/schema."""
import json
import sys
import time

from jsonschema import Draft202012Validator

schema = json.load(open(sys.argv[1]))
instance = json.load(open(sys.argv[2]))
seconds = float(sys.argv[3])
validator = Draft202012Validator(schema)
assert validator.is_valid(instance), list(validator.iter_errors(instance))[:3]
count = 0
start = time.perf_counter()
while time.perf_counter() - start < seconds:
    assert validator.is_valid(instance)
    count += 1
print(f"{count / (time.perf_counter() - start):.2f}")
