def make_counter():
    count = 0

    def inc():
        nonlocal count
        count += 1
        return count

    return inc

c = make_counter()
print(c(), c(), c())
adders = [lambda x, n=n: x + n for n in range(3)]
print([f(10) for f in adders])
