// A virtual MicroPython board: the real WebAssembly MicroPython VM behind this process's stdin/stdout, which
// testbed pumps to a pseudo-terminal. It adds what a port's main loop normally does (soft reboot, raw-paste,
// input(), asyncio.run, \n -> \r\n, Ctrl-C while code runs, non-spinning sleeps, crash recovery), boots only a
// valid image from its flash store, reports that image's identity in sys.implementation (_machine, _build), and injects the
// faults its tentacle is configured with.
//
// usage: node board.mjs --serial SERIAL --store DIR [--faults JSON]
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const serial = args.serial ?? "unknown";
const store = args.store ?? ".";
const faults = JSON.parse(args.faults ?? "{}");
const bootTime = Date.now();
const realNow = Date.now.bind(Date);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleepMs = (ms) => Atomics.wait(sleeper, 0, 0, ms);
let rngState = (faults.seed ?? crypto.randomInt(1, 2 ** 31)) >>> 0;
const random = () => ((rngState = (Math.imul(rngState, 1103515245) + 12345) >>> 0) / 2 ** 32);

// ---- output: buffered, \n cooked to \r\n like a real board's stdout ----
const outBuf = [];
let prevOut = 0;
let dropOk = 0; // raw-paste executes through the raw REPL, whose "OK" a raw-paste host must not see
function emit(bytes) {
  for (const b of bytes) {
    if (dropOk > 0) {
      dropOk--;
      continue;
    }
    if (b === 0x0a && prevOut !== 0x0d) outBuf.push(0x0d);
    outBuf.push(b);
    prevOut = b;
  }
  if (outBuf.length > 512) flush();
}
function emitRaw(text) {
  for (const b of Buffer.from(text, "latin1")) outBuf.push(b);
  prevOut = outBuf.length ? outBuf[outBuf.length - 1] : prevOut;
}
function flush() {
  if (outBuf.length === 0) return;
  const buf = Buffer.from(outBuf);
  outBuf.length = 0;
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(1, buf, off);
    } catch (e) {
      if (e.code === "EAGAIN") sleepMs(1);
      else process.exit(0); // the host went away
    }
  }
}

// ---- input: blocking reads from the host, plus a non-blocking view for Ctrl-C while code runs ----
const pending = [];
const inBuf = Buffer.alloc(4096);
let pollFd = -1;
try {
  pollFd = fs.openSync("/proc/self/fd/0", fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
} catch {
  pollFd = -1;
}
function readBlocking() {
  if (pending.length) return pending.shift();
  flush();
  for (;;) {
    let n;
    try {
      n = fs.readSync(0, inBuf, 0, inBuf.length, null);
    } catch (e) {
      if (e.code === "EAGAIN") {
        sleepMs(2);
        continue;
      }
      process.exit(0);
    }
    if (n === 0) process.exit(0); // host closed the line
    for (let i = 0; i < n; i++) pending.push(inBuf[i]);
    return pending.shift();
  }
}
let vm = null;
let lastPoll = 0;
function pollInterrupt() {
  const now = realNow();
  if (now - lastPoll < 2 || pollFd < 0) return;
  lastPoll = now;
  flush();
  try {
    const n = fs.readSync(pollFd, inBuf, 0, inBuf.length, null);
    for (let i = 0; i < n; i++) {
      if (inBuf[i] === 0x03 && vm) vm._module._mp_sched_keyboard_interrupt();
      else pending.push(inBuf[i]);
    }
  } catch {
    // EAGAIN: nothing there
  }
}
// time.sleep busy-waits on Date.now: sleep a little when asked many times in one millisecond (a wait loop, not the
// VM's own clock reads, which a print or two ticks_us() calls make: sleeping on those made every print cost 1-2 ms
// and two ticks_us() calls 1000 us apart), and look for Ctrl-C.
let lastNow = 0;
let sameMs = 0;
// The poll (at most every 2 ms: a flush and a read) comes before the clock is read, so two clock reads in a row
// are not split by it: ticks_us() pairs stay within the same millisecond as on the WebAssembly port itself.
Date.now = () => {
  pollInterrupt();
  checkHang(null);
  let now = realNow();
  if (now === lastNow && ++sameMs > 64) {
    sleepMs(1);
    now = realNow();
  }
  if (now !== lastNow) sameMs = 0;
  lastNow = now;
  return now;
};

// ---- faults ----
function freeze(reason) {
  flush();
  process.stderr.write(`virtual board ${serial}: hangs (${reason})\n`);
  for (;;) Atomics.wait(sleeper, 0, 0); // like a wedged MCU: only a power cycle helps
}
function checkHang(code) {
  const hang = faults.hang;
  if (!hang) return;
  // A wedged MCU: the reset line does not help, a power cycle does (the host's side reads this marker).
  const wedge = (reason) => {
    fs.writeFileSync(path.join(store, "stuck"), "power_cycle");
    freeze(reason);
  };
  if (hang.after_s !== undefined && realNow() - bootTime >= hang.after_s * 1000 && sessionStarted) wedge(`after ${hang.after_s}s`);
  if (code !== null && hang.on_test && testOf(code) === hang.on_test) wedge(`on test ${hang.on_test}`);
}
// stuck: {"on_test": NAME, "until": RUNG}: once, on that test, the board gets stuck so that only that rung of the
// host's recovery ladder brings it back: "interrupt" (a busy loop a second Ctrl-C ends), "hard_reset" and "power_cycle" (a
// wedged MCU; the host's side of this simulator knows which of the two it yields to, from the marker written here),
// "reflash" (wedged with its image corrupted), "never" (dead for good: it never boots again).
function stuckCode(code) {
  const st = faults.stuck;
  if (!st || code === null || testOf(code) !== st.on_test) return null;
  const once = path.join(store, "stuck_once");
  if (fs.existsSync(once)) return null;
  fs.writeFileSync(once, st.until);
  // A program deaf to the first Ctrl-C (the runner's): the runner gives up, the ladder's own Ctrl-C ends it.
  if (st.until === "interrupt") {
    return "import time\n_n = 0\nwhile True:\n    try:\n        while True:\n            time.sleep_ms(5)\n" +
      "    except KeyboardInterrupt:\n        _n += 1\n        if _n > 1:\n            break\n";
  }
  fs.writeFileSync(path.join(store, "stuck"), st.until);
  if (st.until === "reflash" || st.until === "never") fs.writeFileSync(path.join(store, "flash.img"), "corrupted by a stuck board\n");
  freeze(`stuck on test ${st.on_test} until ${st.until}`);
}
let sessionStarted = false;
function testOf(code) {
  const m = /^# test: (.+)$/m.exec(code);
  return m ? m[1].trim() : null;
}
function flakyPrefix(code) {
  const f = faults.flaky;
  if (!f || testOf(code) !== f.test) return "";
  return random() < (f.p ?? 0.5) ? "print('virtual board glitch')\n" : "";
}

// ---- the image in the flash store decides what boots ----
function readImage() {
  let text;
  try {
    text = fs.readFileSync(path.join(store, "flash.img"), "latin1");
  } catch {
    return null;
  }
  const m = /^VIRTUAL-MICROPYTHON-IMAGE 1\n([\s\S]*)checksum=([0-9a-f]{64})\n$/.exec(text);
  if (!m) return null;
  if (crypto.createHash("sha256").update(m[1], "latin1").digest("hex") !== m[2]) return null;
  const fields = Object.fromEntries(m[1].split("\n").filter(Boolean).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  return fields;
}

// A board stuck for good boots nothing, whatever is flashed.
const image = fs.existsSync(path.join(store, "stuck")) && fs.readFileSync(path.join(store, "stuck"), "latin1") === "never" ? null : readImage();
if (faults.slow_boot_s) sleepMs(faults.slow_boot_s * 1000);
if (faults.garbage_at_boot) emitRaw(crypto.randomBytes(faults.garbage_at_boot).toString("latin1"));
if (!image) {
  // No valid firmware: the board enumerates but nothing answers, as with an erased or corrupted flash.
  flush();
  for (;;) readBlocking();
}

// ---- the VM ----
const hexId = Buffer.from(serial, "utf8").toString("hex");
const PRELUDE = `
import sys as _sys
def input(prompt=''):
    _sys.stdout.write(prompt)
    line = ''
    while True:
        c = _sys.stdin.read(1)
        if c in ('', '\\r', '\\n'):
            _sys.stdout.write('\\n')
            return line
        _sys.stdout.write(c)
        line += c
import builtins
builtins.input = input
try:
    import asyncio
    from asyncio import core as _core
    import time as _time
    def _run(main):
        # This port's asyncio is driven by JS timers; a board's asyncio.run drives the loop itself.
        result = []
        async def _wrap():
            try:
                result.append((True, await main))
            except BaseException as e:
                result.append((False, e))
        _core.create_task(_wrap())
        while not result:
            _core._run_iter()
            t = _core._task_queue.peek()
            if result:
                break
            if not t:
                raise RuntimeError('asyncio.run: main task blocked on nothing')
            dt = _core.ticks_diff(t.ph_key, _core.ticks())
            if dt > 0:
                _time.sleep_ms(dt)
        ok, value = result[0]
        if not ok:
            raise value
        return value
    asyncio.run = _run
except ImportError:
    pass
`;
const MACHINE_PY = `
# The virtual board's machine module: its identity (unique_id, freq) and pins. No UART: on a 1 ms clock (the
# WebAssembly port's ticks_us is ticks_ms * 1000) a stand-in cannot keep a UART's line timing, and MicroPython's
# UART tests skip a board without one, as they do on the WebAssembly port itself.
import binascii
_UID = binascii.unhexlify('${hexId}')
def unique_id():
    return _UID
def freq(*a):
    return 125000000
def idle():
    pass
def reset():
    raise SystemExit
def soft_reset():
    raise SystemExit
def bootloader():
    raise SystemExit
def reset_cause():
    return 1
class Pin:
    IN = 0
    OUT = 1
    PULL_UP = 1
    PULL_DOWN = 2
    def __init__(self, id, mode=0, pull=None, value=None):
        self._v = value or 0
    def value(self, v=None):
        if v is None:
            return self._v
        self._v = 1 if v else 0
    def on(self):
        self._v = 1
    def off(self):
        self._v = 0
`;

const PERSIST_SKIP = new Set(["dev", "proc", "tmp", "home", "lib"]);
function snapshot(FS, dir, out) {
  for (const name of FS.readdir(dir)) {
    if (name === "." || name === ".." || (dir === "/" && PERSIST_SKIP.has(name))) continue;
    const p = dir === "/" ? "/" + name : dir + "/" + name;
    const st = FS.stat(p);
    if (FS.isDir(st.mode)) {
      out.push([p, null]);
      snapshot(FS, p, out);
    } else {
      out.push([p, Buffer.from(FS.readFile(p))]);
    }
  }
  return out;
}
let files = loadFilesFromStore();
function loadFilesFromStore() {
  try {
    return JSON.parse(fs.readFileSync(path.join(store, "fs.json"), "utf8")).map(([p, b]) => [p, b === null ? null : Buffer.from(b, "base64")]);
  } catch {
    return [];
  }
}
function saveFilesToStore() {
  const tmp = path.join(store, "fs.json.tmp");
  fs.writeFileSync(tmp, JSON.stringify(files.map(([p, b]) => [p, b === null ? null : b.toString("base64")])));
  fs.renameSync(tmp, path.join(store, "fs.json"));
}

let quiet = false;
async function createVm() {
  vm = await loadMicroPython({
    stdout: (b) => quiet || emit(b),
    stderr: (b) => quiet || emit(b),
    linebuffer: false,
    stdin: () => readBlocking(),
    heapsize: (faults.heap_kb ?? 1024) * 1024,
  });
  vm.FS.mkdirTree("/lib");
  vm.FS.writeFile("/lib/machine.py", MACHINE_PY);
  for (const [p, b] of files) {
    if (b === null) vm.FS.mkdirTree(p);
    else vm.FS.writeFile(p, b);
  }
  presentIdentity();
  vm.runPython(PRELUDE);
}

// The board keeps its real sys module, so MicroPython's runners see what it is (sys.platform 'webassembly', its
// skip lists and expectations); only the two strings testbed verifies the flashed image by, _machine and _build,
// are the image's. They are static str objects {type, hash, len, data} in the wasm memory: point them at copies
// of the image's strings (hash 0 means "compute on first use").
function presentIdentity() {
  const m = vm._module;
  vm.runPython("import sys\n_m = id(sys.implementation._machine)\n_b = id(sys.implementation._build)");
  const ids = [vm.globals.get("_m"), vm.globals.get("_b")];
  vm.runPython("del _m, _b, sys");
  [image.machine, image.build].forEach((text, i) => {
    const len = m.lengthBytesUTF8(text);
    const data = m._malloc(len + 1);
    m.stringToUTF8(text, data, len + 1);
    m.setValue(ids[i] + 4, 0, "i32");
    m.setValue(ids[i] + 8, len, "i32");
    m.setValue(ids[i] + 12, data, "i32");
  });
}

function banner() {
  return `MicroPython v1.27.0 on 2025-12-10; ${image.machine}\r\nType "help()" for more information.\r\n`;
}

let mode = "friendly";
let rawEmpty = true;
let rawCode = [];

async function softReboot() {
  try {
    files = snapshot(vm.FS, "/", []);
    saveFilesToStore();
  } catch {
    // a crashed VM keeps the files of its last reboot
  }
  emitRaw("MPY: soft reboot\r\n");
  await createVm();
  quiet = true;
  vm.replInit();
  if (mode === "raw") vm.replProcessChar(0x01);
  quiet = false;
  if (mode === "raw") emitRaw("raw REPL; CTRL-B to exit\r\n>");
  else emitRaw(banner() + ">>> ");
  rawEmpty = true;
  rawCode = [];
}

async function feed(c) {
  let r;
  try {
    r = vm.replProcessChar(c);
  } catch (e) {
    // A wasm trap ("memory access out of bounds") kills the VM: reboot like a crashed board.
    process.stderr.write(`virtual board ${serial}: VM crashed (${e.message}), rebooting\n`);
    mode = "friendly";
    await softReboot();
    return;
  }
  if (r === 256) await softReboot();
}

async function rawPaste() {
  // Stock MicroPython: a 256-byte stdin buffer, so a 128-byte window with two windows in flight.
  const window = faults.raw_paste_window ?? 128;
  emitRaw("R\x01" + String.fromCharCode(window & 0xff, window >> 8) + "\x01");
  flush();
  const code = [];
  let used = 0;
  for (;;) {
    const c = readBlocking();
    if (c === 0x04) break;
    if (c === 0x03) {
      emitRaw("\x04");
      return;
    }
    code.push(c);
    if (++used % window === 0) {
      emitRaw("\x01");
      flush();
    }
  }
  emitRaw("\x04");
  flush();
  await execute(Buffer.from(code).toString("latin1"), true);
}

async function execute(code, viaPaste) {
  checkHang(code);
  const text = stuckCode(code) ?? flakyPrefix(code) + code;
  if (viaPaste) dropOk = 2;
  for (const b of Buffer.from(text, "latin1")) await feed(b);
  await feed(0x04);
  rawEmpty = true;
  rawCode = [];
}

await createVm();
quiet = true;
vm.replInit();
quiet = false;
emitRaw("\r\n" + banner() + ">>> ");
flush();

for (;;) {
  const c = readBlocking();
  sessionStarted = true;
  checkHang(null);
  if (mode === "raw") {
    if (c === 0x05 && rawEmpty) {
      const a = readBlocking();
      const b = readBlocking();
      if (a === 0x41 && b === 0x01) {
        await rawPaste();
        continue;
      }
      pending.unshift(a, b);
    }
    if (c === 0x04 && !rawEmpty) {
      await execute(Buffer.from(rawCode).toString("latin1"), false);
      continue;
    }
    if (c === 0x02) {
      // Leave raw REPL with this board's banner, not the VM's "JS with Emscripten" one.
      mode = "friendly";
      quiet = true;
      await feed(c);
      quiet = false;
      emitRaw("\r\n" + banner() + ">>> ");
      rawCode = [];
      continue;
    }
    if (c === 0x03) {
      rawCode = [];
      rawEmpty = true;
      await feed(c);
      continue;
    }
    if (c === 0x01) {
      // Ctrl-A in raw mode resets the line, as pyexec.c does.
      rawCode = [];
      rawEmpty = true;
      await feed(c);
      continue;
    }
    if (c !== 0x04 && c !== 0x02) {
      rawCode.push(c);
      rawEmpty = false;
      continue; // buffered here and fed at Ctrl-D, so hang/flaky faults see the whole program
    }
    await feed(c);
  } else {
    if (c === 0x01) {
      mode = "raw";
      rawEmpty = true;
      rawCode = [];
    }
    await feed(c);
  }
}
