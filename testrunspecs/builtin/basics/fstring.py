try:
    eval("f'{1}'")
except SyntaxError:
    print("SKIP")
    raise SystemExit
name = "board"
n = 3
print(f"{name} has {n} tests")
print(f"{n * 2} {n!r} {'nested'}")
