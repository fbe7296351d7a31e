package testbed.board;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;

/**
 * An open connection to one board's MicroPython: the serial link plus the raw REPL, entered on first use with a
 * soft reset (as mpremote does) so every session starts from a clean interpreter.
 */
public final class BoardSession implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SerialLink link;
    private final RawRepl repl;

    public BoardSession(SerialLink link) {
        this.link = link;
        this.repl = new RawRepl(link);
    }

    public static BoardSession open(String port, Duration retryFor) throws BoardIoException {
        return new BoardSession(JSerialCommLink.open(port, retryFor));
    }

    public RawRepl repl() {
        return repl;
    }

    public String port() {
        return link.port();
    }

    /** The raw byte link, for transfers outside the REPL protocol (benchmarks, stdin feeding). */
    public SerialLink link() {
        return link;
    }

    /** Enters the raw REPL if needed. */
    public void ensureRawRepl(boolean softReset) throws BoardIoException {
        if (!repl.inRawRepl() || softReset) {
            repl.enter(softReset);
        }
    }

    public ExecResult exec(String code, Duration silence, Duration overall) throws BoardIoException {
        ensureRawRepl(!repl.inRawRepl());
        return repl.exec(code, silence, overall);
    }

    /** Runs code and returns its stdout; a traceback becomes a MicroPythonException. */
    public String execChecked(String code) throws BoardIoException, MicroPythonException {
        ExecResult r = exec(code, Duration.ofSeconds(5), Duration.ofSeconds(30));
        if (r.raised()) {
            throw new MicroPythonException(r);
        }
        return r.stdout();
    }

    /** Evaluates an expression on the board; the board prints it as JSON, so the value arrives typed. */
    public <T> T eval(String expression, Class<T> type) throws BoardIoException, MicroPythonException {
        String out = execChecked("import json\nprint(json.dumps(" + expression + "))");
        try {
            return JSON.readValue(out.strip(), type);
        } catch (JsonProcessingException e) {
            throw new BoardIoException.Protocol(port() + ": eval(" + expression + ") printed no JSON: " + out.strip());
        }
    }

    public JsonNode eval(String expression) throws BoardIoException, MicroPythonException {
        return eval(expression, JsonNode.class);
    }

    /** Board name, firmware version text and unique id, read with code that also runs on old firmware. */
    public BoardIdentity identity() throws BoardIoException, MicroPythonException {
        return BoardIdentity.parse(execChecked(BoardIdentity.QUERY));
    }

    @Override
    public void close() {
        link.close();
    }
}
