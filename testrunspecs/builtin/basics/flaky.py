# A plain test; the virtual lab injects a flaky glitch into it on one tentacle, so history has a flaky test to find.
values = [n * 3 for n in range(5)]
print(values, sum(values))
