t = (1, 2, 3)
x, y, z = t
print(t, x + y + z, t[1:], t * 2, len(t))
print((1,) + (2,), t.index(2), t.count(3))
a, *rest = [1, 2, 3, 4]
print(a, rest)
