package testbed.serve;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The pages' Mustache templates (classpath {@code testbed/serve/}), compiled once; {@code {{x}}} is HTML-escaped. */
final class Templates {

    private final DefaultMustacheFactory factory = new DefaultMustacheFactory("testbed/serve");
    private final Map<String, Mustache> compiled = new ConcurrentHashMap<>();

    String render(String name, Map<String, Object> model) {
        Mustache m = compiled.computeIfAbsent(name, n -> factory.compile(n + ".mustache"));
        StringWriter out = new StringWriter();
        m.execute(out, model);
        return out.toString();
    }
}
