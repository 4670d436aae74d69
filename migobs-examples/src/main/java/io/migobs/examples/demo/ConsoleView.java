package io.migobs.examples.demo;

import io.migobs.DecisionChange;
import io.migobs.GateChange;
import io.migobs.GateState;
import io.migobs.InvariantOutcome;
import io.migobs.MigrationListener;
import io.migobs.MigrationRun;
import io.migobs.PhaseChange;
import io.migobs.ProgressSnapshot;
import io.migobs.RunReport;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The demo's live console view, driven by the run's events: a progress bar (rows, percent, rows/s, ETA, lag, batch
 * size, rate cap, phase, each gate's colour) redrawn in place with ANSI escapes on a terminal, or printed as plain
 * progress lines every 2 seconds otherwise; decisions, gate changes, promotions and invariant results are printed
 * as they happen, with their values.
 *
 * <p>Listener callbacks only queue text (they run under the run's lock and must be quick); a daemon thread renders.
 */
final class ConsoleView implements MigrationListener, AutoCloseable {
    private static final String CLEAR = "\r\033[2K";
    private static final String RESET = "\033[0m";

    private final PrintStream out;
    private final boolean ansi;
    private final String lagLabel;
    private final long plainEveryMillis;
    private final int width;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private volatile MigrationRun run;
    private volatile boolean closed;
    private Thread renderer;
    private long lastPlain;

    ConsoleView(PrintStream out, boolean ansi, String lagLabel) {
        this.out = out;
        this.ansi = ansi;
        this.lagLabel = lagLabel;
        this.plainEveryMillis = 2000;
        this.width = ansi ? terminalWidth() : Integer.MAX_VALUE;
    }

    /** The terminal's width: $COLUMNS, else {@code stty size} on /dev/tty, else 120. */
    private static int terminalWidth() {
        try {
            String cols = System.getenv("COLUMNS");
            if (cols != null && !cols.isBlank()) {
                return Math.max(40, Integer.parseInt(cols.trim()));
            }
            Process p = new ProcessBuilder("stty", "size").redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/tty"))).redirectErrorStream(true).start();
            String outText = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .trim();
            if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0) {
                String[] parts = outText.split("\\s+");
                return Math.max(40, Integer.parseInt(parts[parts.length - 1]));
            }
        } catch (Exception e) {
            // no terminal size: use the default
        }
        return 120;
    }

    /** Cuts a line to the terminal's width, counting visible characters only (ANSI colour codes are free). */
    private String fit(String line) {
        if (!ansi) {
            return line;
        }
        StringBuilder b = new StringBuilder();
        int visible = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\033') {
                int end = line.indexOf('m', i);
                if (end < 0) {
                    break;
                }
                b.append(line, i, end + 1);
                i = end;
                continue;
            }
            if (visible >= width - 1) {
                break;
            }
            b.append(c);
            visible++;
        }
        return b.append(RESET).toString();
    }

    @Override
    public synchronized void onAttach(MigrationRun attached) {
        this.run = attached;
        if (renderer == null) {
            renderer = new Thread(this::renderLoop, "migobs-demo-console");
            renderer.setDaemon(true);
            renderer.start();
        }
    }

    @Override
    public void onGateChange(GateChange c) {
        event(String.format(Locale.ROOT, "gate      %-16s %s -> %s  value=%s %s (yellow > %s, red > %s)", c.gate(),
                c.from(), colour(c.to()), num(c.value()), c.unit(), num(c.yellow()), num(c.red())));
    }

    @Override
    public void onDecision(DecisionChange c) {
        event(String.format(Locale.ROOT, "decision  %s -> %s  batch_size=%d rate_limit=%s  because %s", c.from(),
                c.to(), c.batchSize(), c.rateLimit() > 0 ? num(c.rateLimit()) + " rows/s" : "none", c.reason()));
    }

    @Override
    public void onPhaseChange(PhaseChange c) {
        event(String.format(Locale.ROOT, "phase     %s -> %s at %,d rows: %s", c.from(), c.to(), c.rowsProcessed(),
                c.reason()));
    }

    @Override
    public void onInvariant(InvariantOutcome o) {
        event(String.format(Locale.ROOT, "invariant %s %s (%s, %,d rows compared) %s", o.invariant(),
                o.result().passed() ? "passed" : "FAILED", o.reason(), o.result().rowsSampled(),
                o.result().passed() ? "" : o.result().message()));
    }

    @Override
    public void onEscalation(String reason) {
        event("ESCALATE  " + reason);
    }

    @Override
    public void onFinish(RunReport r) {
        event(String.format(Locale.ROOT, "finished  %s: %,d rows in %s (%s rows/s effective; throttled %s, paused %s)%s",
                r.state(), r.rowsProcessed(), seconds(r.elapsed().toMillis() / 1e3),
                num(r.effectiveRowsPerSecond()), seconds(r.throttled().toMillis() / 1e3),
                seconds(r.paused().toMillis() / 1e3), r.reason() == null ? "" : ": " + r.reason()));
    }

    private void event(String line) {
        events.add(line);
    }

    /** Prints a line between progress redraws (used by the demo for its own messages). */
    void println(String line) {
        events.add(line);
        if (renderer == null) {
            drain();
        }
    }

    private void renderLoop() {
        while (!closed) {
            drain();
            drawBar(false);
            try {
                TimeUnit.MILLISECONDS.sleep(ansi ? 200 : 100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void drain() {
        String e;
        while ((e = events.poll()) != null) {
            if (ansi) {
                out.print(CLEAR);
            }
            out.println(e);
        }
        out.flush();
    }

    private synchronized void drawBar(boolean last) {
        MigrationRun r = run;
        if (r == null) {
            return;
        }
        long now = System.currentTimeMillis();
        if (!ansi && !last && now - lastPlain < plainEveryMillis) {
            return;
        }
        lastPlain = now;
        String bar = bar(r.progress());
        if (ansi) {
            out.print(CLEAR + fit(bar) + (last ? "\n" : ""));
        } else {
            out.println(bar);
        }
        out.flush();
    }

    String bar(ProgressSnapshot s) {
        double f = Double.isNaN(s.fraction()) ? 0 : s.fraction();
        int width = ansi ? 16 : 24;
        int full = (int) Math.round(f * width);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-6s ", s.phase()));
        b.append('[');
        for (int i = 0; i < width; i++) {
            b.append(i < full ? (ansi ? "\u2588" : "#") : (ansi ? "\u2591" : "."));
        }
        b.append(']');
        // most important first: a narrow terminal cuts the end of the line
        b.append(String.format(Locale.ROOT, " %5.1f%% %,d rows  %s rows/s  ETA %s  lag %ss (%s) ", f * 100,
                s.rowsProcessed(), num(s.recentRowsPerSecond()), seconds(s.etaSeconds()), num(s.replicaLagSeconds()),
                lagLabel));
        for (Map.Entry<String, GateState> g : new java.util.TreeMap<>(s.gates()).entrySet()) {
            b.append(' ').append(g.getKey()).append('=').append(colour(g.getValue()));
        }
        b.append(String.format(Locale.ROOT, "  batch %d  cap %s  %s", s.batchSize(),
                s.rateLimit() > 0 ? num(s.rateLimit()) + "/s" : "none", s.state()));
        return b.toString();
    }

    private String colour(GateState g) {
        if (!ansi) {
            return g.name();
        }
        String c = switch (g) {
            case GREEN -> "\033[32m";
            case YELLOW -> "\033[33m";
            case RED -> "\033[31m";
            default -> "\033[35m";
        };
        return c + g.name() + RESET;
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,d", Math.round(v));
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String seconds(double s) {
        if (Double.isNaN(s) || Double.isInfinite(s)) {
            return "--";
        }
        long t = Math.round(s);
        return t >= 60 ? String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60) : t + "s";
    }

    @Override
    public void close() {
        closed = true;
        Thread t = renderer;
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drain();
        drawBar(true);
    }
}
