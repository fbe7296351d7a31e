# integer arithmetic, including big integers
print(7 + 5, 7 - 5, 7 * 5, 7 // 5, 7 % 5, -7 // 5, -7 % 5)
print(divmod(17, 5), divmod(-17, 5))
print(2 ** 10, 2 ** 64, 3 ** 40)
print(123456789 * 987654321)
print((1 << 100) >> 98, 0xFF & 0x0F, 0xF0 | 0x0F, 0xFF ^ 0x0F, ~5)
print(int("123"), int("-77"), int("ff", 16), int("101", 2))
print(abs(-12), hex(255), oct(8), bin(5))
