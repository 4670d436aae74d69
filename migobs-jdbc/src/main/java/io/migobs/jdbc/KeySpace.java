package io.migobs.jdbc;

import io.migobs.jdbc.internal.Keys;
import java.util.function.ToDoubleFunction;

/**
 * The first and last key of a backfill's key range, measured once (two index lookups), for progress when no
 * exact row count is given:
 * {@code MigrationPlan.builder(name).progressFromCursor(space.progress(), space.description())}.
 *
 * <p>Progress is the cursor's position between {@code min} and {@code max} along the first key column: linear for
 * numbers, dates and times and UUIDs; for text, the position of the first characters read as digits of base 65,536
 * (an approximation that is exact for evenly spread keys). Rows inserted beyond {@code max} during the run are still
 * processed; progress then stays capped below 100% until the driver reports the end.
 *
 * @param min the first key, or null when the range is empty
 * @param max the last key, or null when the range is empty
 * @param lowerBound the range's exclusive lower bound (where progress 0 is), or null: then {@code min} is
 */
public record KeySpace(Object min, Object max, Object lowerBound) {

    /**
     * @return true when the range has no row
     */
    public boolean isEmpty() {
        return max == null;
    }

    /**
     * A function from the run's cursor to the fraction done, 0..1 (NaN for an unknown cursor, when the core falls
     * back to row counts). Thread-safe.
     *
     * @return the function
     */
    public ToDoubleFunction<Object> progress() {
        Object start = lowerBound != null ? lowerBound : min;
        if (max == null || start == null) {
            return cursor -> Double.NaN;
        }
        double a = Keys.position(start);
        double b = Keys.position(max);
        if (!(b > a)) {
            return cursor -> cursor == null ? 0.0 : 1.0;
        }
        return cursor -> {
            if (cursor == null) {
                return 0.0;
            }
            double p = Keys.position(cursor);
            return Double.isNaN(p) ? Double.NaN : Math.max(0, Math.min(1, (p - a) / (b - a)));
        };
    }

    /** @return how progress is computed, for the plan's documents */
    public String description() {
        return "cursor position between keys " + Keys.show(lowerBound != null ? lowerBound : min) + " and "
                + Keys.show(max) + " (first key column)";
    }
}
