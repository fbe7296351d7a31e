# Function call overhead: recursive Fibonacci, n/10 times fib(12).
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def bench(n):
    for _ in range(max(1, n // 10)):
        fib(12)
