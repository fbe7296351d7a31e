class Base:
    def name(self):
        return "base"

    def describe(self):
        return "I am " + self.name()

class Child(Base):
    def name(self):
        return "child"

class Grandchild(Child):
    def describe(self):
        return super().describe() + "!"

print(Base().describe(), Child().describe(), Grandchild().describe())
print(issubclass(Grandchild, Base), isinstance(Child(), Grandchild))
