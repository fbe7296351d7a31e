package testbed.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import testbed.model.InvalidInputException;

/**
 * A JSON object read from a data file, with typed accessors whose errors name the file and the field path, e.g.
 * {@code testrunspecs/perf.json: field 'timeout_s': expected a number, got "ten"}. Jackson does the parsing; this
 * class only validates, so every data file fails the same clear way.
 */
public final class JsonObject {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final String path;
    private final JsonNode node;
    private final Set<String> read = new TreeSet<>();

    private JsonObject(Path file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /** Reads a file that must hold one JSON object. */
    public static JsonObject read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": file not found");
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(file, utf8(file, bytes));
    }

    /** The text of a data file, which must be UTF-8: a stray byte is named with its offset, not as "Input length = 3". */
    static String utf8(Path file, byte[] bytes) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CoderResult r = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            long line = 1;
            for (int i = 0; i < at; i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new InvalidInputException(String.format("%s: not UTF-8: byte 0x%02x at offset %d (line %d); save the file as UTF-8", file,
                    bytes[at] & 0xff, at, line));
        }
        out.flip();
        return out.toString();
    }

    /** Parses text that must hold one JSON object; {@code file} names it in errors (e.g. a resource). */
    public static JsonObject parse(Path file, String text) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
            throw new InvalidInputException(file + where + ": malformed JSON: " + firstLine(e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException(file + ": expected a JSON object at the top level");
        }
        return new JsonObject(file, "", root);
    }

    public Path file() {
        return file;
    }

    /** An error about this object or one of its fields. */
    public InvalidInputException error(String field, String message) {
        return new InvalidInputException(file + ": field '" + qualified(field) + "': " + message);
    }

    public InvalidInputException error(String message) {
        return new InvalidInputException(file + (path.isEmpty() ? "" : ": '" + path + "'") + ": " + message);
    }

    public boolean has(String field) {
        return node.has(field) && !node.get(field).isNull();
    }

    public String string(String field) {
        return requireType(field, JsonNodeType.STRING, "a string").asText();
    }

    public String string(String field, String fallback) {
        return has(field) ? string(field) : markRead(field, fallback);
    }

    /** A non-empty string of letters, digits and {@code _ - .}, the shape of labels, tags and serials. */
    public String name(String field) {
        String value = string(field);
        if (!value.matches("[A-Za-z0-9_.\\-]+")) {
            throw error(field, "expected a name of letters, digits, '_', '-' or '.', got \"" + value + "\"");
        }
        return value;
    }

    public boolean bool(String field, boolean fallback) {
        if (!has(field)) {
            return markRead(field, fallback);
        }
        return requireType(field, JsonNodeType.BOOLEAN, "true or false").asBoolean();
    }

    public double number(String field) {
        double v = requireType(field, JsonNodeType.NUMBER, "a number").asDouble();
        if (v < 0) {
            throw error(field, "expected a number >= 0, got " + node.get(field));
        }
        return v;
    }

    public double number(String field, double fallback) {
        return has(field) ? number(field) : markRead(field, fallback);
    }

    public OptionalDouble optionalNumber(String field) {
        return has(field) ? OptionalDouble.of(number(field)) : markRead(field, OptionalDouble.empty());
    }

    public int integer(String field, int fallback) {
        if (!has(field)) {
            return markRead(field, fallback);
        }
        JsonNode v = requireType(field, JsonNodeType.NUMBER, "an integer");
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw error(field, "expected an integer, got " + v);
        }
        return v.asInt();
    }

    public List<String> strings(String field) {
        JsonNode array = requireType(field, JsonNodeType.ARRAY, "a list of strings");
        List<String> result = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode item = array.get(i);
            if (!item.isTextual()) {
                throw error(field + "[" + i + "]", "expected a string, got " + item);
            }
            result.add(item.asText());
        }
        return result;
    }

    public List<String> strings(String field, List<String> fallback) {
        return has(field) ? strings(field) : markRead(field, fallback);
    }

    public List<Integer> integers(String field, List<Integer> fallback) {
        if (!has(field)) {
            return markRead(field, fallback);
        }
        JsonNode array = requireType(field, JsonNodeType.ARRAY, "a list of integers");
        List<Integer> result = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode item = array.get(i);
            if (!item.isIntegralNumber() || !item.canConvertToInt()) {
                throw error(field + "[" + i + "]", "expected an integer, got " + item);
            }
            result.add(item.asInt());
        }
        return result;
    }

    /** A map of string values, e.g. free-form tags {@code {"tier": "1"}}; numbers are accepted as text. */
    public Map<String, String> stringMap(String field) {
        if (!has(field)) {
            return markRead(field, Map.of());
        }
        JsonNode obj = requireType(field, JsonNodeType.OBJECT, "an object of strings");
        Map<String, String> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw error(field + "." + e.getKey(), "expected a string, got " + e.getValue());
            }
            result.put(e.getKey(), e.getValue().asText());
        }
        return result;
    }

    public JsonObject object(String field) {
        JsonNode child = requireType(field, JsonNodeType.OBJECT, "an object");
        return new JsonObject(file, qualified(field), child);
    }

    public Optional<JsonObject> optionalObject(String field) {
        return has(field) ? Optional.of(object(field)) : markRead(field, Optional.empty());
    }

    /** A list of objects, each returned as a JsonObject whose errors name its index. */
    public List<JsonObject> objects(String field) {
        JsonNode array = requireType(field, JsonNodeType.ARRAY, "a list of objects");
        List<JsonObject> result = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode item = array.get(i);
            String itemPath = qualified(field) + "[" + i + "]";
            if (!item.isObject()) {
                throw new InvalidInputException(file + ": field '" + itemPath + "': expected an object, got " + item);
            }
            result.add(new JsonObject(file, itemPath, item));
        }
        return result;
    }

    /** The raw content as plain Java values (maps, lists, strings, numbers), for driver options. */
    public Map<String, Object> asPlainMap() {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = MAPPER.convertValue(node, Map.class);
        node.fieldNames().forEachRemaining(read::add);
        return map;
    }

    /** Fails on any field that was never read: a typo like {@code timout_s} must not pass silently. */
    public void rejectUnknownFields() {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!read.contains(name)) {
                throw error(name, "unknown field (known: " + String.join(", ", read) + ")");
            }
        }
    }

    private JsonNode requireType(String field, JsonNodeType type, String expected) {
        read.add(field);
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw error(field, "missing (expected " + expected + ")");
        }
        if (value.getNodeType() != type) {
            throw error(field, "expected " + expected + ", got " + abbreviate(value.toString()));
        }
        return value;
    }

    private <T> T markRead(String field, T value) {
        read.add(field);
        return value;
    }

    private String qualified(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
