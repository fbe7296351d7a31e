# The extmod hardware wiring: a UART whose tx is wired to its rx.
try:
    from machine import UART
except ImportError:
    print("SKIP")
    raise SystemExit
u = UART(1, 115200)
u.write(b"loopback")
import time
time.sleep_ms(20)
print(u.read())
