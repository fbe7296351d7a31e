# Allocation and string handling: join n*10 formatted pieces.
def bench(n):
    parts = []
    for i in range(n * 10):
        parts.append("item%d" % i)
    return len(",".join(parts))
