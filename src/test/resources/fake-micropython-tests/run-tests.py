#!/usr/bin/env python3
# Stand-in for MicroPython's tests/run-tests.py: same command line (-t/--test-instance port:<dev>, --result-dir,
# --test-dirs, --via-mpy, --emit, --jobs, -e/--exclude, -i/--include), writes _results.json in the new format, exits 1 when a test failed.
import argparse, json, os, sys

p = argparse.ArgumentParser()
p.add_argument("-t", "--test-instance", action="append", default=[])
p.add_argument("--result-dir", required=True)
p.add_argument("--test-dirs", default="basics")
p.add_argument("--via-mpy", action="store_true")
p.add_argument("--emit")
p.add_argument("--jobs")
p.add_argument("-e", "--exclude", action="append", default=[])
p.add_argument("-i", "--include", action="append", default=[])
p.add_argument("files", nargs="*")
a = p.parse_args()
for inst in a.test_instance:
    assert inst.startswith("port:"), inst
    dev = inst[5:]
    if not os.path.exists(dev):
        print("device not found:", dev)
        sys.exit(2)
    print("using", dev)
results = [[a.test_dirs + "/int_big.py", "pass", ""], [a.test_dirs + "/float_parse.py", "pass", ""],
           [a.test_dirs + "/thread_gc.py", "skip", "no threading"]]
if os.environ.get("FAKE_FAIL"):
    results.append([a.test_dirs + "/fails.py", "fail", ""])
json.dump({"args": vars(a), "results": results, "failed_tests": [r[0] for r in results if r[1] == "fail"]},
          open(os.path.join(a.result_dir, "_results.json"), "w"))
print(len(results), "tests performed")
sys.exit(1 if any(r[1] == "fail" for r in results) else 0)
