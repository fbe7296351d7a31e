try:
    import time
    time.ticks_ms
except (ImportError, AttributeError):
    print("SKIP")
    raise SystemExit
t0 = time.ticks_ms()
time.sleep_ms(20)
dt = time.ticks_diff(time.ticks_ms(), t0)
print(dt >= 15, dt < 2000)
print(time.ticks_add(t0, 0) == t0)
