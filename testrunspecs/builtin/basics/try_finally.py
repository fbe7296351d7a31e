def f(x):
    try:
        if x:
            return "early"
        print("body")
    finally:
        print("finally", x)
    return "late"

print(f(True))
print(f(False))
try:
    try:
        raise KeyError("k")
    except KeyError:
        print("handled")
        raise IndexError
except IndexError:
    print("re-raised as IndexError")
else:
    print("no")
