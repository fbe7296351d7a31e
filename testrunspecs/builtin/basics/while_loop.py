i = 0
total = 0
while True:
    i += 1
    if i % 2:
        continue
    total += i
    if i >= 20:
        break
print(i, total)
for n in range(3):
    pass
else:
    print("for-else", n)
