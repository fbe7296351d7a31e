try:
    from collections import namedtuple, deque, OrderedDict
except ImportError:
    print("SKIP")
    raise SystemExit
P = namedtuple("P", ("x", "y"))
p = P(1, 2)
print(p.x + p.y, p[0], len(p))
d = deque((), 5)
for i in range(3):
    d.append(i)
print(d.popleft(), d.popleft(), len(d))
o = OrderedDict()
o["z"] = 1
o["a"] = 2
print(list(o.keys()))
