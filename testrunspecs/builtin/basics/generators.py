def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1

print(list(count_up(5)))
g = (x * x for x in range(4))
print(next(g), next(g), list(g))

def delegate():
    yield from count_up(3)
    yield "done"

print(list(delegate()))
