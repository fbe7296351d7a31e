try:
    import io
except ImportError:
    print("SKIP")
    raise SystemExit
s = io.StringIO()
s.write("line one\n")
s.write("line two\n")
print(repr(s.getvalue()))
b = io.BytesIO(b"abc")
print(b.read(2), b.read())
