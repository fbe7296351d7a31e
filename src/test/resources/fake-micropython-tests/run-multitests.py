#!/usr/bin/env python3
# Stand-in for MicroPython's tests/run-multitests.py: two -t instances, --result-dir, test files; writes the OLD
# _results.json format (lists per outcome).
import argparse, json, os, sys

p = argparse.ArgumentParser()
p.add_argument("-t", "--test-instance", action="append", default=[])
p.add_argument("--result-dir", required=True)
p.add_argument("files", nargs="*")
a = p.parse_args()
if len(a.test_instance) != 2:
    print("need two instances, got", a.test_instance)
    sys.exit(2)
for inst in a.test_instance:
    print("instance", inst)
names = [os.path.basename(f) for f in a.files]
json.dump({"passed_tests": names[:-1], "failed_tests": [], "skipped_tests": names[-1:]},
          open(os.path.join(a.result_dir, "_results.json"), "w"))
sys.exit(0)
