try:
    import heapq
except ImportError:
    print("SKIP")
    raise SystemExit
h = []
for v in [5, 1, 8, 3, 2]:
    heapq.heappush(h, v)
print([heapq.heappop(h) for _ in range(5)])
