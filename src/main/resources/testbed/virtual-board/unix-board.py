#!/usr/bin/env python3
# A virtual board made of MicroPython's unix port: the flashed image (the port's `micropython` binary) runs on a
# pseudo-terminal of its own, as its REPL needs a tty, and this wrapper speaks for it on stdin/stdout (which testbed
# pumps to the board's device). What the wrapper adds is what a microcontroller's main loop does and the unix port's
# does not:
#   - a soft reset (Ctrl-D at the raw REPL) or sys.exit() ends the unix process: the wrapper starts it again and
#     prints what a rebooting board prints ("MPY: soft reboot", then the raw REPL prompt if it was in raw mode);
#   - bytes the client sends while the process restarts are held and given to the new one once it is ready (the
#     port drops a Ctrl-A that arrives before its first prompt);
#   - Ctrl-C while code runs interrupts it (the process's tty is raw, so the wrapper raises SIGINT itself);
#   - a lone "\n" goes out as "\r\n", as a board's UART sends it.
#
# usage: unix-board.py --image FILE --cwd DIR
import os
import pty
import resource
import select
import signal
import sys
import termios
import time
import tty

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
FRIENDLY_PROMPT = b">>> "


def arg(name, default=None):
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


IMAGE = arg("--image")
CWD = arg("--cwd", ".")


class Port:
    """One unix process on its own pty."""

    def __init__(self):
        os.makedirs(CWD, exist_ok=True)
        os.chmod(IMAGE, 0o755)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            # The child: its tty raw (no echo, no line editing, no \n to \r\n, no signals from bytes) before exec.
            tty.setraw(0)
            # At most 1024 open files, as on MicroPython's CI (`ulimit -n 1024`): extmod/select_poll_fd.py counts on it.
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            limit = 1024 if hard == resource.RLIM_INFINITY else min(1024, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
            os.chdir(CWD)
            os.execv(IMAGE, [IMAGE])

    def alive(self):
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            return pid == 0
        except ChildProcessError:
            return False

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        try:
            os.close(self.fd)
        except OSError:
            pass


out = sys.stdout.buffer
stdin = sys.stdin.buffer.raw
last_out = b"\n"


def emit(data):
    """To the client, with lone \n cooked to \r\n."""
    global last_out
    if not data:
        return
    cooked = bytearray()
    prev = last_out[-1:]
    for b in data:
        if b == 0x0A and prev != b"\r":
            cooked += b"\r"
        cooked.append(b)
        prev = bytes([b])
    last_out = bytes(cooked[-32:]) if len(cooked) >= 32 else (last_out + bytes(cooked))[-32:]
    out.write(bytes(cooked))
    out.flush()


def read_until(port, marker, timeout):
    """The child's output until it ends with marker (swallowed): False when it did not come."""
    buf = b""
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([port.fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(port.fd, 4096)
            except OSError:
                return False, buf
            if not chunk:
                return False, buf
            buf += chunk
            if buf.endswith(marker):
                return True, buf
    return False, buf


def boot(raw_mode, rebooting):
    """A new process, brought to the mode the board was in; what a rebooting board prints goes to the client."""
    port = Port()
    ok, banner = read_until(port, FRIENDLY_PROMPT, 10)
    if rebooting:
        emit(b"MPY: soft reboot\r\n")
    if raw_mode:
        os.write(port.fd, b"\x01")
        ok, _ = read_until(port, RAW_BANNER, 10)
        emit(RAW_BANNER)
    else:
        emit(banner)
    return port


def main():
    raw_mode = False
    executing = False
    line = 0  # bytes of code the raw REPL holds since its prompt: Ctrl-D with none is a soft reset
    port = boot(False, False)
    held = b""  # client bytes for the process that is booting after a soft reset
    while True:
        if held and port is not None and port.alive():
            data, held = held, b""
        else:
            r, _, _ = select.select([0, port.fd], [], [], 0.2)
            if port.fd in r:
                try:
                    got = os.read(port.fd, 4096)
                except OSError:
                    got = b""
                if got:
                    emit(got)
                    tail = last_out
                    if tail.endswith(RAW_BANNER):
                        raw_mode, executing, line = True, False, 0
                    elif tail.endswith(b"\x04>"):
                        executing, line = False, 0
                    elif tail.endswith(FRIENDLY_PROMPT):
                        raw_mode, executing = False, False
                    continue
            if not port.alive() or (port.fd in r and not got):
                # The process ended (a soft reset, sys.exit(), a crash): it boots again, as the board would.
                port.kill()
                port = boot(raw_mode, True)
                executing, line = False, 0
                continue
            if 0 not in r:
                continue
            data = os.read(0, 4096)
            if not data:
                port.kill()
                return
        # Client bytes, one at a time where it matters: what follows a soft reset waits for the new process.
        i = 0
        while i < len(data):
            b = data[i]
            i += 1
            if b == 0x03:
                if executing:
                    os.kill(port.pid, signal.SIGINT)  # the port's handler raises KeyboardInterrupt in the running code
                line = 0
            elif b == 0x01:
                line, executing = 0, False
            elif b == 0x04 and raw_mode and not executing:
                if line == 0:
                    os.write(port.fd, data[:i])
                    held += data[i:]  # for the process that boots after this soft reset
                    data, i = b"", 0
                    wait_exit(port)
                    break
                executing, line = True, 0
            elif raw_mode and not executing:
                line += 1
        if data:
            os.write(port.fd, data)


def wait_exit(port):
    """After a soft reset was asked for: the port says OK and ends; give it a moment to do so."""
    end = time.time() + 2
    while port.alive() and time.time() < end:
        r, _, _ = select.select([port.fd], [], [], 0.02)
        if r:
            try:
                got = os.read(port.fd, 4096)
            except OSError:
                break
            if not got:
                break
            emit(got)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt, SystemExit):
        pass
