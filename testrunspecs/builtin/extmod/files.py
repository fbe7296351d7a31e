try:
    import os
    f = open("testbed_tmp.txt", "w")
except (ImportError, OSError):
    print("SKIP")
    raise SystemExit
f.write("first\nsecond\n")
f.close()
with open("testbed_tmp.txt") as f:
    print(f.readlines())
with open("testbed_tmp.txt", "a") as f:
    f.write("third\n")
print(open("testbed_tmp.txt").read().split())
os.remove("testbed_tmp.txt")
print("testbed_tmp.txt" in os.listdir())
