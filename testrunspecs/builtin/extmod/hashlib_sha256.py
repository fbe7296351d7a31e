try:
    import hashlib
    import binascii
except ImportError:
    print("SKIP")
    raise SystemExit
digest = hashlib.sha256(b"micropython").digest()
print(binascii.hexlify(digest))
h2 = hashlib.sha256()
h2.update(b"micro")
h2.update(b"python")
print(h2.digest() == digest)
