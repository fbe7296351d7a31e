class Resource:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        print("enter", self.name)
        return self

    def __exit__(self, exc_type, exc, tb):
        print("exit", self.name, exc_type is not None)
        return True

with Resource("a") as r:
    print("using", r.name)
with Resource("b"):
    raise ValueError
print("after")
