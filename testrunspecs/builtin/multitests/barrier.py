# Both instances meet at a barrier; output on each side of it stays in order.
def instance0():
    print("instance0 ready")
    multitest.next()
    print("instance0 past the barrier")

def instance1():
    multitest.next()
    print("instance1 past the barrier")
