package testbed.board;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * A byte-level stand-in for a board: a script of "when the host has written these bytes, answer these". Lets the raw
 * REPL protocol be tested byte for byte, including the misbehaviour real boards show (old firmware, aborts, silence).
 */
final class ScriptedDevice implements SerialLink {

    private record Step(byte[] expect, byte[] reply) {}

    private final Deque<Step> script = new ArrayDeque<>();
    private final ByteArrayOutputStream unmatched = new ByteArrayOutputStream();
    private final ByteArrayOutputStream allWritten = new ByteArrayOutputStream();
    private final Deque<Byte> toHost = new ArrayDeque<>();
    private boolean gone;

    ScriptedDevice on(String expect, String reply) {
        script.add(new Step(expect.getBytes(StandardCharsets.ISO_8859_1), reply.getBytes(StandardCharsets.ISO_8859_1)));
        return this;
    }

    /** The standard answer to entering the raw REPL. */
    ScriptedDevice rawReplEntered() {
        return on("\r\u0003", "").on("\r\u0001", "\r\nraw REPL; CTRL-B to exit\r\n>");
    }

    void unplug() {
        gone = true;
    }

    String written() {
        return allWritten.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public String port() {
        return "/dev/scripted";
    }

    @Override
    public synchronized void write(byte[] data) throws BoardIoException {
        if (gone) {
            throw new BoardIoException.Lost("gone");
        }
        unmatched.writeBytes(data);
        allWritten.writeBytes(data);
        while (!script.isEmpty()) {
            byte[] pending = unmatched.toByteArray();
            byte[] expect = script.peek().expect();
            if (pending.length < expect.length || !Arrays.equals(pending, 0, expect.length, expect, 0, expect.length)) {
                return;
            }
            Step step = script.poll();
            unmatched.reset();
            unmatched.write(pending, expect.length, pending.length - expect.length);
            for (byte b : step.reply()) {
                toHost.add(b);
            }
        }
    }

    @Override
    public int read(byte[] buffer, Duration timeout) throws BoardIoException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (this) {
                if (gone) {
                    throw new BoardIoException.Lost("gone");
                }
                if (!toHost.isEmpty()) {
                    int n = 0;
                    while (n < buffer.length && !toHost.isEmpty()) {
                        buffer[n++] = toHost.poll();
                    }
                    return n;
                }
            }
            if (System.nanoTime() >= deadline) {
                return 0;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
    }

    @Override
    public void close() {}
}
