try:
    import asyncio
except ImportError:
    print("SKIP")
    raise SystemExit

async def worker(name, delay, log):
    await asyncio.sleep_ms(delay)
    log.append(name)
    return name.upper()

async def main():
    log = []
    results = await asyncio.gather(worker("slow", 30, log), worker("fast", 5, log))
    print(log, results)

asyncio.run(main())
