def f(a, b=2, *args, c=3, **kwargs):
    return (a, b, args, c, sorted(kwargs.items()))

print(f(1))
print(f(1, 5, 6, 7, c=8, d=9, e=10))
print(f(*[1, 2, 3], **{"c": 4, "z": 0}))
