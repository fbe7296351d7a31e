# floats, printed with fixed precision so every port prints the same
print("%.3f" % (1.5 + 2.25))
print("%.3f" % (10 / 4))
print("%.4f" % (2 ** 0.5))
print("%.2f %.2f" % (round(2.675, 1), -3.5))
print(int(3.99), int(-3.99), float(7))
# within single precision too: a port with 32-bit floats (the QEMU Cortex-M3 board) rounds 0.1 + 0.2 to exactly 0.3
print(1.0 == 1, abs(0.1 + 0.2 - 0.3) < 1e-6)
