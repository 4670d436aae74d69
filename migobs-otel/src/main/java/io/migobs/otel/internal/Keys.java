package io.migobs.otel.internal;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Span attribute keys and event names. Stable semantic-convention keys where one fits; ours under {@code migobs.*},
 * never a key that is both a leaf and a namespace. Not API (the names are documented in the README).
 */
public final class Keys {
    // stable semantic conventions
    public static final AttributeKey<String> DB_SYSTEM_NAME = stringKey("db.system.name");
    public static final AttributeKey<String> DB_COLLECTION_NAME = stringKey("db.collection.name");
    public static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");

    // the run
    public static final AttributeKey<String> MIGRATION = stringKey("migobs.migration");
    public static final AttributeKey<String> TYPE = stringKey("migobs.type");
    public static final AttributeKey<String> BLAST_RADIUS = stringKey("migobs.blast_radius");
    public static final AttributeKey<String> ROLLBACK = stringKey("migobs.rollback");
    public static final AttributeKey<Long> TOTAL_ROWS = longKey("migobs.total_rows");
    public static final AttributeKey<String> OUTCOME = stringKey("migobs.outcome");
    public static final AttributeKey<Long> ROWS = longKey("migobs.rows");
    public static final AttributeKey<Long> BATCHES = longKey("migobs.batches");
    public static final AttributeKey<Long> FAILED_BATCHES = longKey("migobs.failed_batches");
    public static final AttributeKey<String> REASON = stringKey("migobs.reason");
    public static final AttributeKey<String> VERDICT = stringKey("migobs.verdict");

    // phases and batches
    public static final AttributeKey<String> PHASE = stringKey("migobs.phase");
    public static final AttributeKey<String> PREVIOUS_PHASE = stringKey("migobs.previous_phase");
    public static final AttributeKey<Long> BATCH_SEQUENCE = longKey("migobs.batch.sequence");
    public static final AttributeKey<Long> BATCH_SIZE = longKey("migobs.batch.size");

    // gates
    public static final AttributeKey<String> GATE = stringKey("migobs.gate.name");
    public static final AttributeKey<String> GATE_STATE = stringKey("migobs.gate.state");
    public static final AttributeKey<String> GATE_PREVIOUS_STATE = stringKey("migobs.gate.previous_state");
    public static final AttributeKey<Double> GATE_VALUE = doubleKey("migobs.gate.value");
    public static final AttributeKey<String> GATE_UNIT = stringKey("migobs.gate.unit");
    public static final AttributeKey<Double> GATE_YELLOW = doubleKey("migobs.gate.threshold.yellow");
    public static final AttributeKey<Double> GATE_RED = doubleKey("migobs.gate.threshold.red");
    public static final AttributeKey<Double> GATE_BASELINE = doubleKey("migobs.gate.baseline");

    // decisions and states
    public static final AttributeKey<String> DECISION = stringKey("migobs.decision");
    public static final AttributeKey<String> PREVIOUS_DECISION = stringKey("migobs.previous_decision");
    public static final AttributeKey<Double> RATE_LIMIT = doubleKey("migobs.rate_limit");
    public static final AttributeKey<String> STATE = stringKey("migobs.state");
    public static final AttributeKey<String> PREVIOUS_STATE = stringKey("migobs.previous_state");

    // invariants
    public static final AttributeKey<String> INVARIANT = stringKey("migobs.invariant.name");
    public static final AttributeKey<Boolean> INVARIANT_PASSED = booleanKey("migobs.invariant.passed");
    public static final AttributeKey<String> INVARIANT_TRIGGER = stringKey("migobs.invariant.trigger");
    public static final AttributeKey<Long> INVARIANT_ROWS = longKey("migobs.invariant.rows_sampled");
    public static final AttributeKey<String> INVARIANT_MESSAGE = stringKey("migobs.invariant.message");

    // span events
    public static final String EVENT_BASELINE = "migobs.baseline";
    public static final String EVENT_GATE = "migobs.gate.changed";
    public static final String EVENT_DECISION = "migobs.decision.changed";
    public static final String EVENT_STATE = "migobs.state.changed";
    public static final String EVENT_PROMOTED = "migobs.phase.promoted";
    public static final String EVENT_INVARIANT_FAILED = "migobs.invariant.failed";
    public static final String EVENT_INVARIANT_PASSED = "migobs.invariant.passed";
    public static final String EVENT_ESCALATION = "migobs.escalation";

    private Keys() {
    }
}
