package io.migobs.artifacts.internal;

import io.migobs.BlastRadius;
import io.migobs.Cadence;
import io.migobs.Gate;
import io.migobs.Invariant;
import io.migobs.MigrationPlan;
import io.migobs.MigrationType;
import io.migobs.Phase;
import io.migobs.RollbackAction;
import io.migobs.RollbackComplexity;
import io.migobs.Signal;
import io.migobs.artifacts.PlanYamlException;
import io.migobs.artifacts.SignalRegistry;
import io.migobs.artifacts.internal.YamlTree.ListNode;
import io.migobs.artifacts.internal.YamlTree.MapNode;
import io.migobs.artifacts.internal.YamlTree.Node;
import io.migobs.artifacts.internal.YamlTree.Scalar;
import java.io.Reader;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a plan from YAML, strictly: unknown keys, wrong types, unknown names and every builder rule are errors that
 * name the line, column and path. The builders do the validation; their exceptions become the cause. Not API.
 */
public final class PlanReader {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private static final Pattern NAMED = Pattern.compile("(phase|gate|invariant) (?:name )?'([^']+)'");

    private final SignalRegistry registry;
    private final Map<String, Node> phaseNodes = new LinkedHashMap<>();
    private final Map<String, Node> gateNodes = new LinkedHashMap<>();
    private final Map<String, Node> invariantNodes = new LinkedHashMap<>();

    private PlanReader(SignalRegistry registry) {
        this.registry = registry;
    }

    public static MigrationPlan read(Reader reader, String source, SignalRegistry registry) {
        Node root = YamlTree.parse(reader, source);
        return new PlanReader(registry).plan(root);
    }

    /** A mapping whose keys are checked off as they are read; {@link #done()} rejects the rest. */
    private static final class Fields {
        final MapNode map;
        final Set<String> known;
        final Set<String> used = new HashSet<>();

        Fields(Node node, String what, String... known) {
            if (!(node instanceof MapNode m)) {
                throw node.error(what + " must be a mapping but is " + YamlTree.describe(node));
            }
            this.map = m;
            this.known = new java.util.LinkedHashSet<>(List.of(known));
        }

        Node get(String key) {
            if (!known.contains(key)) {
                throw new IllegalStateException("reader asks for undeclared key " + key);
            }
            used.add(key);
            return map.entries().get(key);
        }

        Node require(String key) {
            Node n = get(key);
            if (n == null) {
                throw map.error("missing required key '" + key + "'");
            }
            return n;
        }

        void done() {
            for (Map.Entry<String, Node> e : map.entries().entrySet()) {
                if (!known.contains(e.getKey())) {
                    throw e.getValue().error("unknown key '" + e.getKey() + "' (allowed here: "
                            + String.join(", ", known) + ")");
                }
            }
        }
    }

    /** Runs a builder call; its exception becomes a located error. */
    private static <T> T at(Node node, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (PlanYamlException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw node.error(e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------------- scalars

    private static Scalar scalar(Node n, String what) {
        if (!(n instanceof Scalar s) || s.isNull()) {
            throw n.error(what + " must be a single value but is " + YamlTree.describe(n));
        }
        return s;
    }

    private static String text(Node n) {
        Scalar s = scalar(n, "the value");
        if (!s.isString()) {
            throw n.error("expected text but found " + YamlTree.describe(n));
        }
        return s.text();
    }

    private static double number(Node n) {
        Scalar s = scalar(n, "the value");
        if (!s.isNumber()) {
            throw n.error("expected a number but found " + YamlTree.describe(n));
        }
        return s.number().doubleValue();
    }

    private static long integer(Node n) {
        Scalar s = scalar(n, "the value");
        if (!s.isNumber() || !(s.number() instanceof Integer || s.number() instanceof Long
                || s.number() instanceof java.math.BigInteger)) {
            throw n.error("expected a whole number but found " + YamlTree.describe(n));
        }
        if (s.number() instanceof java.math.BigInteger) {
            throw n.error("the number " + s.text() + " is too large");
        }
        return s.number().longValue();
    }

    private static int smallInt(Node n) {
        long v = integer(n);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw n.error("the number " + v + " is too large");
        }
        return (int) v;
    }

    private static boolean bool(Node n) {
        Scalar s = scalar(n, "the value");
        if (!s.isBoolean()) {
            throw n.error("expected true or false but found " + YamlTree.describe(n));
        }
        return Boolean.parseBoolean(s.text());
    }

    /** "500ms", "30s", "5m", "2h", "1h30m", "1d", or ISO-8601 "PT30S". */
    public static Duration duration(Node n) {
        Scalar s = scalar(n, "a duration");
        if (!s.isString()) {
            throw n.error("a duration needs a unit, such as 30s, 500ms, 5m or 2h, but found "
                    + YamlTree.describe(n));
        }
        String t = s.text().trim();
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                return Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw n.error("'" + t + "' is not a duration", e);
            }
        }
        Matcher m = DURATION.matcher(t);
        long millis = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double v = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
            millis += Math.round(v * unit);
            end = m.end();
        }
        if (end != t.length() || end == 0) {
            throw n.error("'" + t + "' is not a duration: write it like 500ms, 30s, 5m, 2h or 1h30m");
        }
        return Duration.ofMillis(millis);
    }

    private static <E extends Enum<E>> E enumValue(Node n, Class<E> type) {
        String t = text(n);
        String key = t.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(key)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(Text.kebab(e));
        }
        throw n.error("'" + t + "' is not one of " + String.join(", ", allowed));
    }

    private static List<Node> list(Node n, String what) {
        if (!(n instanceof ListNode l)) {
            throw n.error(what + " must be a list but is " + YamlTree.describe(n));
        }
        return l.items();
    }

    private static <T> T lookup(Node n, Map<String, T> map, String kind) {
        String name = text(n);
        T v = map.get(name);
        if (v == null) {
            throw n.error("unknown " + kind + " '" + name + "': register it in the SignalRegistry (registered: "
                    + (map.isEmpty() ? "none" : String.join(", ", new TreeSet<>(map.keySet()))) + ")");
        }
        return v;
    }

    // ----------------------------------------------------------------------------------------------------- plan

    private MigrationPlan plan(Node root) {
        Fields f = new Fields(root, "a plan", "name", "summary", "type", "blastRadius", "rollback", "owner",
                "escalation", "totalRows", "estimatedRows", "keyRange", "progressFromCursor", "sourceHead",
                "replicaLag", "batchSize", "targetBatchTime", "maxRowsPerSecond", "baselineWindow",
                "maintenanceWindow", "errorBudget", "maxConsecutiveFailures", "progressLogInterval", "gates",
                "phases", "invariants", "onRollback", "notes");
        Node nameNode = f.require("name");
        MigrationPlan.Builder b = at(nameNode, () -> MigrationPlan.builder(text(nameNode)));
        Node n;
        if ((n = f.get("summary")) != null) {
            String v = text(n);
            at(n, () -> b.summary(v));
        }
        if ((n = f.get("type")) != null) {
            MigrationType v = enumValue(n, MigrationType.class);
            b.type(v);
        }
        if ((n = f.get("blastRadius")) != null) {
            b.blastRadius(enumValue(n, BlastRadius.class));
        }
        if ((n = f.get("rollback")) != null) {
            b.rollback(enumValue(n, RollbackComplexity.class));
        }
        if ((n = f.get("owner")) != null) {
            b.owner(text(n));
        }
        if ((n = f.get("escalation")) != null) {
            b.escalation(text(n));
        }
        Node total = f.get("totalRows");
        Node estimated = f.get("estimatedRows");
        if (total != null && estimated != null) {
            throw estimated.error("totalRows and estimatedRows exclude each other (totalRows is at line "
                    + total.line() + ")");
        }
        if (total != null) {
            long v = integer(total);
            at(total, () -> b.totalRows(v));
        }
        if (estimated != null) {
            long v = integer(estimated);
            at(estimated, () -> b.estimatedRows(v));
        }
        Node keyRange = f.get("keyRange");
        Node cursor = f.get("progressFromCursor");
        if (keyRange != null && cursor != null) {
            throw cursor.error("keyRange and progressFromCursor exclude each other (keyRange is at line "
                    + keyRange.line() + ")");
        }
        if (keyRange != null) {
            Fields kr = new Fields(keyRange, "keyRange", "min", "max");
            long min = integer(kr.require("min"));
            Node maxNode = kr.require("max");
            long max = integer(maxNode);
            kr.done();
            at(maxNode, () -> b.keyRange(min, max));
        }
        if (cursor != null) {
            Fields pc = new Fields(cursor, "progressFromCursor", "function", "description");
            ToDoubleFunction<Object> fn = lookup(pc.require("function"), registry.progressFunctions(),
                    "progress function");
            Node d = pc.require("description");
            String desc = text(d);
            pc.done();
            at(d, () -> b.progressFromCursor(fn, desc));
        }
        if ((n = f.get("sourceHead")) != null) {
            LongSupplier head = lookup(n, registry.sourceHeads(), "source head");
            b.sourceHead(head);
        }
        if ((n = f.get("replicaLag")) != null) {
            b.replicaLag(lookup(n, registry.signals(), "signal"));
        }
        if ((n = f.get("batchSize")) != null) {
            Fields bs = new Fields(n, "batchSize", "initial", "min", "max");
            Node in = bs.get("initial");
            Node mn = bs.get("min");
            Node mx = bs.get("max");
            bs.done();
            int initial = in == null ? MigrationPlan.DEFAULT_INITIAL_BATCH_SIZE : smallInt(in);
            int min = mn == null ? MigrationPlan.DEFAULT_MIN_BATCH_SIZE : smallInt(mn);
            int max = mx == null ? MigrationPlan.DEFAULT_MAX_BATCH_SIZE : smallInt(mx);
            at(n, () -> b.batchSize(initial, min, max));
        }
        if ((n = f.get("targetBatchTime")) != null) {
            Duration d = duration(n);
            at(n, () -> b.targetBatchTime(d));
        }
        if ((n = f.get("maxRowsPerSecond")) != null) {
            double v = number(n);
            at(n, () -> b.maxRowsPerSecond(v));
        }
        if ((n = f.get("baselineWindow")) != null) {
            Duration d = duration(n);
            at(n, () -> b.baselineWindow(d));
        }
        if ((n = f.get("maintenanceWindow")) != null) {
            Duration d = duration(n);
            at(n, () -> b.maintenanceWindow(d));
        }
        if ((n = f.get("errorBudget")) != null) {
            double v = number(n);
            at(n, () -> b.errorBudget(v));
        }
        if ((n = f.get("maxConsecutiveFailures")) != null) {
            int v = smallInt(n);
            at(n, () -> b.maxConsecutiveFailures(v));
        }
        if ((n = f.get("progressLogInterval")) != null) {
            Duration d = duration(n);
            at(n, () -> b.progressLogInterval(d));
        }
        if ((n = f.get("gates")) != null) {
            for (Node g : list(n, "gates")) {
                Gate gate = gate(g);
                b.gate(gate);
            }
        }
        if ((n = f.get("phases")) != null) {
            for (Node p : list(n, "phases")) {
                b.phase(phase(p));
            }
        }
        if ((n = f.get("invariants")) != null) {
            for (Node i : list(n, "invariants")) {
                invariant(i, b);
            }
        }
        if ((n = f.get("onRollback")) != null) {
            Fields r = new Fields(n, "onRollback", "hook", "steps");
            RollbackAction hook = lookup(r.require("hook"), registry.rollbacks(), "rollback hook");
            Node stepsNode = r.get("steps");
            String steps = stepsNode == null ? "" : text(stepsNode);
            r.done();
            at(n, () -> b.onRollback(hook, steps));
        }
        if ((n = f.get("notes")) != null) {
            Fields notes = new Fields(n, "notes");
            for (Map.Entry<String, Node> e : notes.map.entries().entrySet()) {
                String text = text(e.getValue());
                at(e.getValue(), () -> b.note(e.getKey(), text));
            }
        }
        f.done();
        try {
            return b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw locate(root, e).error(e.getMessage(), e);
        }
    }

    /** The node a plan-level builder error is about: the phase, gate or invariant it names, else the document. */
    private Node locate(Node root, RuntimeException e) {
        Matcher m = NAMED.matcher(String.valueOf(e.getMessage()));
        if (m.find()) {
            Map<String, Node> nodes = switch (m.group(1)) {
                case "phase" -> phaseNodes;
                case "gate" -> gateNodes;
                default -> invariantNodes;
            };
            Node n = nodes.get(m.group(2));
            if (n != null) {
                return n;
            }
        }
        if (e instanceof IllegalStateException && e.getMessage() != null && e.getMessage().contains("rollback")
                && root instanceof MapNode map && map.entries().containsKey("onRollback")) {
            return map.entries().get("onRollback");
        }
        return root;
    }

    private Gate gate(Node node) {
        Fields f = new Fields(node, "a gate", "name", "signal", "yellowAbove", "redAbove", "yellowBelow",
                "redBelow", "target", "relativeToBaseline", "holdSamples", "recoverSamples", "sampleInterval", "readTimeout",
                "maxAge", "whenUnknown", "onYellow", "allowNegative", "description");
        Node nameNode = f.require("name");
        String name = text(nameNode);
        Signal signal = lookup(f.require("signal"), registry.signals(), "signal");
        Gate.Builder b = at(nameNode, () -> Gate.builder(name, signal));
        gateNodes.put(name, node);
        Node n;
        if ((n = f.get("yellowAbove")) != null) {
            double v = number(n);
            at(n, () -> b.yellowAbove(v));
        }
        if ((n = f.get("redAbove")) != null) {
            double v = number(n);
            at(n, () -> b.redAbove(v));
        }
        if ((n = f.get("yellowBelow")) != null) {
            double v = number(n);
            at(n, () -> b.yellowBelow(v));
        }
        if ((n = f.get("redBelow")) != null) {
            double v = number(n);
            at(n, () -> b.redBelow(v));
        }
        if ((n = f.get("target")) != null) {
            double v = number(n);
            at(n, () -> b.target(v));
        }
        if ((n = f.get("relativeToBaseline")) != null) {
            b.relativeToBaseline(enumValue(n, Gate.BaselineStatistic.class));
        }
        if ((n = f.get("holdSamples")) != null) {
            int v = smallInt(n);
            at(n, () -> b.holdSamples(v));
        }
        if ((n = f.get("recoverSamples")) != null) {
            int v = smallInt(n);
            at(n, () -> b.recoverSamples(v));
        }
        if ((n = f.get("sampleInterval")) != null) {
            Duration d = duration(n);
            at(n, () -> b.sampleInterval(d));
        }
        if ((n = f.get("readTimeout")) != null) {
            Duration d = duration(n);
            at(n, () -> b.readTimeout(d));
        }
        if ((n = f.get("maxAge")) != null) {
            Duration d = duration(n);
            at(n, () -> b.maxAge(d));
        }
        if ((n = f.get("whenUnknown")) != null) {
            b.whenUnknown(enumValue(n, Gate.UnknownPolicy.class));
        }
        if ((n = f.get("onYellow")) != null) {
            b.onYellow(enumValue(n, Gate.YellowAction.class));
        }
        if ((n = f.get("allowNegative")) != null && bool(n)) {
            b.allowNegative();
        }
        if ((n = f.get("description")) != null) {
            b.description(text(n));
        }
        f.done();
        return at(node, b::build);
    }

    private Phase phase(Node node) {
        Fields f = new Fields(node, "a phase", "name", "rows", "untilFraction", "maxBatchSize", "maxRowsPerSecond",
                "gates", "requireApproval", "greenSamplesToPromote");
        Node nameNode = f.require("name");
        String name = text(nameNode);
        Phase.Builder b = at(nameNode, () -> Phase.builder(name));
        phaseNodes.put(name, node);
        Node n;
        if ((n = f.get("rows")) != null) {
            long v = integer(n);
            at(n, () -> b.rows(v));
        }
        if ((n = f.get("untilFraction")) != null) {
            double v = number(n);
            at(n, () -> b.untilFraction(v));
        }
        if ((n = f.get("maxBatchSize")) != null) {
            int v = smallInt(n);
            at(n, () -> b.maxBatchSize(v));
        }
        if ((n = f.get("maxRowsPerSecond")) != null) {
            double v = number(n);
            at(n, () -> b.maxRowsPerSecond(v));
        }
        if ((n = f.get("gates")) != null) {
            for (Node g : list(n, "gates of a phase")) {
                b.gate(gate(g));
            }
        }
        if ((n = f.get("requireApproval")) != null && bool(n)) {
            b.requireApproval();
        }
        if ((n = f.get("greenSamplesToPromote")) != null) {
            int v = smallInt(n);
            at(n, () -> b.greenSamplesToPromote(v));
        }
        f.done();
        return at(node, b::build);
    }

    private void invariant(Node node, MigrationPlan.Builder plan) {
        Fields f = new Fields(node, "an invariant", "name", "everyRows", "everyBatches", "atPhaseEnds", "check",
                "description");
        Node nameNode = f.require("name");
        String name = text(nameNode);
        invariantNodes.put(name, node);
        Node rows = f.get("everyRows");
        Node batches = f.get("everyBatches");
        Node ends = f.get("atPhaseEnds");
        int set = (rows != null ? 1 : 0) + (batches != null ? 1 : 0) + (ends != null ? 1 : 0);
        if (set != 1) {
            throw node.error("invariant '" + name + "' needs exactly one cadence: everyRows, everyBatches or"
                    + " atPhaseEnds: true (found " + set + ")");
        }
        Cadence cadence;
        if (rows != null) {
            long v = integer(rows);
            cadence = at(rows, () -> Cadence.everyRows(v));
        } else if (batches != null) {
            int v = smallInt(batches);
            cadence = at(batches, () -> Cadence.everyBatches(v));
        } else {
            if (!bool(ends)) {
                throw ends.error("atPhaseEnds can only be true; pick everyRows or everyBatches instead");
            }
            cadence = Cadence.atPhaseEnds();
        }
        Node checkNode = f.get("check");
        Invariant check;
        if (checkNode != null) {
            check = lookup(checkNode, registry.invariants(), "invariant check");
        } else {
            check = registry.invariants().get(name);
            if (check == null) {
                throw nameNode.error("unknown invariant check '" + name + "': register it in the SignalRegistry"
                        + " or name another one with check: (registered: " + (registry.invariants().isEmpty()
                        ? "none" : String.join(", ", new TreeSet<>(registry.invariants().keySet()))) + ")");
            }
        }
        Node d = f.get("description");
        String description = d == null ? "" : text(d);
        f.done();
        at(nameNode, () -> plan.invariant(name, cadence, check, description));
    }
}
