try:
    import json
except ImportError:
    print("SKIP")
    raise SystemExit
data = {"name": "board", "tests": [1, 2, 3], "ok": True, "none": None}
text = json.dumps(data)
back = json.loads(text)
print(sorted(back.items()))
print(json.loads("[1, 2.5, \"x\", false]"))
print(json.dumps([1, "two", None]))
