# Three rounds of ping and pong between the boards.
def instance0():
    for i in range(3):
        multitest.broadcast("ping %d" % i)
        multitest.wait("pong %d" % i)
        print("round", i, "done")

def instance1():
    for i in range(3):
        multitest.wait("ping %d" % i)
        print("ping", i)
        multitest.broadcast("pong %d" % i)
