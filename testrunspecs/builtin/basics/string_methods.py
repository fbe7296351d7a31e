s = "Hello, MicroPython"
print(s.upper(), s.lower())
print(s.split(", "), s.find("Micro"), s.replace("Hello", "Bye"))
print(s.startswith("Hell"), s.endswith("on"), s.count("o"))
print("  pad  ".strip() + "|", "x".join(["a", "b", "c"]))
print(s[7:], s[-6:], len(s))
print("abc" * 3, "b" in "abc", ord("A"), chr(97))
