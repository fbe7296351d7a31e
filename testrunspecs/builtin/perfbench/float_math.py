# Floating point: n*50 multiply-adds.
def bench(n):
    x = 0.5
    acc = 0.0
    for i in range(n * 50):
        acc = acc * 0.999 + x * i
    return acc
