# The bytecode loop: sum of n*100 integers.
def bench(n):
    total = 0
    for i in range(n * 100):
        total += i
    return total
