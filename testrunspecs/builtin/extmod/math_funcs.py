try:
    import math
except ImportError:
    print("SKIP")
    raise SystemExit
print("%.4f %.4f %.4f" % (math.pi, math.e, math.sqrt(2)))
print("%.4f %.4f" % (math.sin(math.pi / 6), math.cos(0)))
print(math.floor(2.7), math.ceil(2.1), "%.3f" % math.log(math.e))
print(math.isnan(float("nan")), math.isinf(float("inf")))
