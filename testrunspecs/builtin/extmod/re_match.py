try:
    import re
except ImportError:
    print("SKIP")
    raise SystemExit
m = re.match(r"(\w+)-(\d+)", "board-42")
print(m.group(0), m.group(1), m.group(2))
print(re.search(r"\d+", "abc123def").group(0))
print(re.sub(r"o", "0", "foo boo"))
r = re.compile(r"[a-z]+")
print(r.match("abc123").group(0), r.search("123xyz").group(0))
