# Hashing: fill and read back a dict of n*10 entries.
def bench(n):
    d = {}
    for i in range(n * 10):
        d[i] = i * 2
    s = 0
    for i in range(n * 10):
        s += d[i]
    return s
