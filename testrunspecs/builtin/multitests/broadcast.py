# One instance announces, the other waits for the announcement.
def instance0():
    multitest.broadcast("server up")
    print("announced")

def instance1():
    multitest.wait("server up")
    print("heard: server up")
