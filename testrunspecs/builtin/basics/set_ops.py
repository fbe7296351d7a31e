a = {1, 2, 3}
b = {2, 3, 4}
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b))
a.add(10)
a.discard(1)
print(sorted(a), 2 in a, len(a))
print(sorted(set([3, 3, 1, 1])), {1, 2} <= {1, 2, 3})
