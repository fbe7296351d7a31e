d = {"a": 1, "b": 2}
d["c"] = 3
print(sorted(d.items()))
print(d.get("a"), d.get("z"), d.get("z", 0), "b" in d)
del d["b"]
print(sorted(d.keys()), sorted(d.values()))
d.update({"x": 10})
print(sorted(d.items()), len(d))
print(d.pop("x"), d.setdefault("y", 5), sorted(d.items()))
print(sorted({k: k * k for k in range(4)}.items()))
