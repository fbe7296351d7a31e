print([x * x for x in range(6) if x % 2 == 0])
print([(x, y) for x in range(3) for y in range(x)])
print(sorted({c for c in "mississippi"}))
print(sorted({n: n % 3 for n in range(5)}.items()))
