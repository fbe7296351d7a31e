try:
    import binascii
except ImportError:
    print("SKIP")
    raise SystemExit
print(binascii.hexlify(b"\x00\x7f\xff"), binascii.unhexlify("48656c6c6f"))
print(binascii.b2a_base64(b"testbed"), binascii.a2b_base64(b"dGVzdGJlZA=="))
