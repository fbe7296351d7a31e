try:
    import struct
except ImportError:
    print("SKIP")
    raise SystemExit
packed = struct.pack("<HIb", 513, 65536, -1)
print(packed, len(packed), struct.calcsize("<HIb"))
print(struct.unpack("<HIb", packed))
print(struct.pack(">i", 1), struct.unpack(">h", b"\xff\xfe"))
