a = list(range(10))
print(a[2:5], a[:3], a[7:], a[::2], a[::-1], a[-3:-1])
a[1:3] = [10, 20, 30]
print(a)
del a[1:3]
print(a)
print("abcdef"[1:4], b"bytes"[1:3], (1, 2, 3, 4)[1:3])
