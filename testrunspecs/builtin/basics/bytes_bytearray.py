b = b"abc"
print(b, len(b), b[0], b + b"def", b * 2)
ba = bytearray(b"hello")
ba[0] = ord("j")
ba.append(33)
print(ba, bytes(ba), ba.decode())
print(bytes([65, 66, 67]), "héllo".encode("utf-8"), b"\xc3\xa9".decode("utf-8"))
print(b"a,b,c".split(b","), b"xyz".find(b"z"), b"abc".upper())
