package testbed.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import testbed.model.InvalidInputException;

/**
 * {@code testbed nightly PLAN.json}: rounds run one after the other until the deadline, each a session of its own.
 *
 * <pre>{"name": "nightly", "lab": "virtual", "until": "07:00",
 *  "rounds": [{"name": "master", "args": ["--firmware", "RPI_PICO_W", "--count", "3"]},
 *             {"name": "retry", "repeat_failed_of": "master"}]}</pre>
 *
 * @param until the deadline of the whole night ({@code --until}); or {@code budget}
 */
public record NightlyPlan(Path file, String name, Optional<String> lab, Optional<String> until, Optional<String> budget, List<Round> rounds) {

    /** @param repeatFailedOf run only the test groups that failed in that earlier round (skipped when none did) */
    public record Round(String name, List<String> args, Optional<String> repeatFailedOf) {}

    public static NightlyPlan load(Path file) {
        JsonObject json = JsonObject.read(file);
        String name = json.string("name", "nightly");
        Optional<String> lab = json.has("lab") ? Optional.of(json.string("lab")) : Optional.empty();
        Optional<String> until = json.has("until") ? Optional.of(json.string("until")) : Optional.empty();
        Optional<String> budget = json.has("budget") ? Optional.of(json.string("budget")) : Optional.empty();
        if (until.isPresent() && budget.isPresent()) {
            throw json.error("budget", "give 'until' or 'budget', not both");
        }
        List<Round> rounds = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<JsonObject> entries = json.objects("rounds");
        if (entries.isEmpty()) {
            throw json.error("rounds", "expected at least one round");
        }
        for (JsonObject r : entries) {
            String n = r.name("name");
            if (!n.matches("[A-Za-z0-9_.-]+")) {
                throw r.error("name", "a round name is a folder name: letters, digits, '_', '-', '.', got \"" + n + "\"");
            }
            if (!names.add(n)) {
                throw r.error("name", "duplicate round \"" + n + "\"");
            }
            Optional<String> repeat = r.has("repeat_failed_of") ? Optional.of(r.string("repeat_failed_of")) : Optional.empty();
            if (repeat.isPresent() && (!names.contains(repeat.get()) || repeat.get().equals(n))) {
                throw r.error("repeat_failed_of", "no earlier round \"" + repeat.get() + "\"");
            }
            List<String> args = r.strings("args", List.of());
            for (String a : args) {
                if (List.of("--results", "--until", "--budget", "--lab", "--dry-run").contains(a)) {
                    throw r.error("args", "'" + a + "' is set by the nightly plan itself");
                }
            }
            rounds.add(new Round(n, args, repeat));
            r.rejectUnknownFields();
        }
        json.rejectUnknownFields();
        if (!file.toString().isEmpty() && rounds.isEmpty()) {
            throw new InvalidInputException(file + ": no rounds");
        }
        return new NightlyPlan(file, name, lab, until, budget, rounds);
    }
}
