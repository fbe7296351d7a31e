class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, other):
        return Point(self.x + other.x, self.y + other.y)

    def __repr__(self):
        return "Point(%d, %d)" % (self.x, self.y)

    @property
    def norm1(self):
        return abs(self.x) + abs(self.y)

    @staticmethod
    def origin():
        return Point(0, 0)

p = Point(1, 2) + Point(3, -4)
print(p, p.norm1, Point.origin())
print(isinstance(p, Point), hasattr(p, "x"), getattr(p, "z", None))
