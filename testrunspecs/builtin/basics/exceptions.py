def check(f):
    try:
        f()
        print("no exception")
    except Exception as e:
        print(type(e).__name__)

check(lambda: 1 / 0)
check(lambda: [][1])
check(lambda: {}["k"])
check(lambda: int("x"))
check(lambda: None.foo)
check(lambda: 1)

class MyError(ValueError):
    pass

try:
    raise MyError("custom")
except ValueError as e:
    print("caught", type(e).__name__, e.args)
