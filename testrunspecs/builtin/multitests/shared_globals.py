# Values set on one board appear as globals on the other.
def instance0():
    multitest.globals(PORT=8266, NAME="reference")
    multitest.next()
    print("sent settings")

def instance1():
    multitest.next()
    print("got", PORT, NAME)
