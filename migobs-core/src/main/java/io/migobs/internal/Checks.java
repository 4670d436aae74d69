package io.migobs.internal;

import java.time.Duration;

/** Fail-fast argument checks whose messages name the field and the value. Not API. */
public final class Checks {
    private Checks() {
    }

    public static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new NullPointerException(field + " cannot be null");
        }
        return value;
    }

    public static String notBlank(String value, String field) {
        notNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " cannot be blank");
        }
        return value;
    }

    public static long positive(long value, String field) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive but was " + value);
        }
        return value;
    }

    public static long notNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " cannot be negative but was " + value);
        }
        return value;
    }

    public static double positive(double value, String field) {
        finite(value, field);
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive but was " + value);
        }
        return value;
    }

    public static double finite(double value, String field) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be a finite number but was " + value);
        }
        return value;
    }

    public static double fraction(double value, String field) {
        finite(value, field);
        if (value <= 0 || value > 1) {
            throw new IllegalArgumentException(field + " must be in (0, 1] but was " + value);
        }
        return value;
    }

    public static Duration positive(Duration value, String field) {
        notNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive but was " + value);
        }
        return value;
    }

    public static Duration notNegative(Duration value, String field) {
        notNull(value, field);
        if (value.isNegative()) {
            throw new IllegalArgumentException(field + " cannot be negative but was " + value);
        }
        return value;
    }

    /** A name usable as a metric tag and in documents: letters, digits, '.', '_', '-'. */
    public static String identifier(String value, String field) {
        notBlank(value, field);
        if (!value.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException(field + " '" + value
                    + "' must start with a letter or digit and contain only letters, digits, '.', '_' or '-' (at most 128)");
        }
        return value;
    }
}
