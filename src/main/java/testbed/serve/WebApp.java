package testbed.serve;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import testbed.history.History;
import testbed.history.JdbcHistory;

/**
 * {@code testbed serve}: a read-only web app over the lab, its sessions, its history and its results folder. Only GET
 * routes exist. With a token every request must carry it (header, cookie or once as {@code ?token=}); every page
 * forbids framing and sniffing, and a raw file from results/ is served so that a browser runs nothing in it.
 */
public final class WebApp implements AutoCloseable {

    private static final String COOKIE = "testbed_token";
    private static final String PAGE_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
    /** Raw files: no script, no plugin, a unique origin; reports keep their inline styles. */
    private static final String RAW_POLICY = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";

    private final ServeConfig config;
    private final Optional<History> history;
    private final Optional<HistoryView> historyView;
    private final LabSources lab;
    private final LiveFeed live;
    private final Javalin app;

    private WebApp(ServeConfig config) {
        this.config = config;
        ResultsIndex index = new ResultsIndex(config.results());
        SafeFiles files = new SafeFiles(config.results());
        this.history = config.history().map(url -> (History) JdbcHistory.open(url, config.settings()));
        this.lab = new LabSources(config, index, history);
        this.historyView = history.map(HistoryView::new);
        Pages pages = new Pages(config, index, files, lab, historyView);
        this.live = new LiveFeed(lab::rows, pages::progress);
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.jetty.modifyHttpConfiguration(http -> http.setUriCompliance(org.eclipse.jetty.http.UriCompliance.UNSAFE)); // we judge paths ourselves: 404
            c.routes.before(this::guard);
            c.routes.get("/", ctx -> ctx.redirect("/lab"));
            c.routes.get("/lab", ctx -> ctx.html(pages.lab()));
            c.routes.get("/api/lab", ctx -> ctx.json(lab.rows()));
            c.routes.sse("/events", live::join);
            c.routes.get("/sessions", ctx -> ctx.html(pages.sessions()));
            c.routes.get("/session", ctx -> ctx.html(pages.session(ctx.queryParam("path"))));
            c.routes.get("/fragment/gantt", ctx -> ctx.html(pages.gantt(index.session(String.valueOf(ctx.queryParam("path")))
                    .orElseThrow(() -> new Pages.NotFound("no session")))));
            c.routes.get("/history", ctx -> ctx.html(pages.history(ctx.queryParam("from"), ctx.queryParam("to"), ctx.queryParam("board"))));
            c.routes.get("/results/", ctx -> ctx.html(pages.files().browse("")));
            c.routes.get("/results/<path>", ctx -> ctx.html(pages.files().browse(ctx.pathParam("path"))));
            c.routes.get("/raw/<path>", ctx -> raw(ctx, files));
            c.routes.get("/diff/<path>", ctx -> ctx.html(pages.files().diff(ctx.pathParam("path"), ctx.queryParam("test"))));
            c.routes.get("/static/style.css", ctx -> resource(ctx, "style.css", "text/css; charset=utf-8"));
            c.routes.get("/static/app.js", ctx -> resource(ctx, "app.js", "text/javascript; charset=utf-8"));
            c.routes.exception(Pages.NotFound.class, (e, ctx) -> ctx.status(HttpStatus.NOT_FOUND).contentType("text/plain; charset=utf-8")
                    .result("not found: " + e.getMessage()));
        });
    }

    /** Starts the app; {@link #port()} says where (a port of 0 takes a free one). */
    public static WebApp start(ServeConfig config) {
        WebApp w = new WebApp(config);
        w.app.start(config.bind(), config.port());
        return w;
    }

    public int port() {
        return app.port();
    }

    public String url() {
        return "http://" + (config.bind().contains(":") ? "[" + config.bind() + "]" : config.bind()) + ":" + port() + "/";
    }

    private void guard(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Content-Security-Policy", PAGE_POLICY);
        if (config.token().isEmpty()) {
            return;
        }
        byte[] expected = config.token().get().getBytes(StandardCharsets.UTF_8);
        String given = Optional.ofNullable(ctx.header("Authorization")).filter(h -> h.startsWith("Bearer ")).map(h -> h.substring(7))
                .or(() -> Optional.ofNullable(ctx.cookie(COOKIE))).or(() -> Optional.ofNullable(ctx.queryParam("token"))).orElse("");
        if (!MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            ctx.status(HttpStatus.UNAUTHORIZED).contentType("text/plain; charset=utf-8").result("testbed serve: this request needs the token\n");
            ctx.skipRemainingHandlers();
            return;
        }
        if (ctx.queryParam("token") != null) {
            ctx.header("Set-Cookie", COOKIE + "=" + config.token().get() + "; Path=/; HttpOnly; SameSite=Strict");
        }
    }

    private static void raw(Context ctx, SafeFiles files) throws IOException {
        Path p = files.resolve(ctx.pathParam("path")).filter(Files::isRegularFile).orElseThrow(() -> new Pages.NotFound("results/" + ctx.pathParam("path")));
        ctx.header("Content-Security-Policy", RAW_POLICY);
        ctx.contentType(SafeFiles.contentType(p));
        ctx.result(Files.newInputStream(p));
    }

    private static void resource(Context ctx, String name, String type) throws IOException {
        try (var in = WebApp.class.getResourceAsStream("/testbed/serve/static/" + name)) {
            ctx.contentType(type).result(in.readAllBytes());
        }
    }

    @Override
    public void close() {
        app.stop();
        live.close();
        historyView.ifPresent(HistoryView::close);
        lab.close();
        history.ifPresent(History::close);
    }
}
