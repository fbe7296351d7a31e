# f-strings live in exec() so that firmware without them can still compile this file and SKIP.
try:
    exec("f'{1}'")
except SyntaxError:
    print("SKIP")
    raise SystemExit
exec('''
name = "board"
n = 3
print(f"{name} has {n} tests")
print(f"{n * 2} {n!r} {'nested'}")
''')
