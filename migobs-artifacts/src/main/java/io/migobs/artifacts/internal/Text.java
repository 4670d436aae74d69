package io.migobs.artifacts.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number, duration and time formatting for the documents: no exponent, at most 3 decimals. Not API. */
public final class Text {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Text() {
    }

    /** Like the core's log format, with "n/a" for NaN. */
    public static String num(double v) {
        return Double.isNaN(v) ? "n/a" : io.migobs.internal.Fmt.num(v);
    }

    /** A whole number with thousands separators: 2,000,000. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    public static String percent(double fraction) {
        return num(Math.round(fraction * 1000.0) / 10.0) + "%";
    }

    /** "1h 30m", "45s", "500ms". */
    public static String duration(Duration d) {
        if (d == null) {
            return "n/a";
        }
        if (d.isZero()) {
            return "0s";
        }
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        StringBuilder sb = new StringBuilder();
        long h = d.toHours();
        long m = d.toMinutesPart();
        long s = d.toSecondsPart();
        long rest = d.toMillisPart();
        if (h > 0) {
            sb.append(h).append("h ");
        }
        if (m > 0) {
            sb.append(m).append("m ");
        }
        if (s > 0 || rest > 0) {
            long tenths = Math.round(rest / 100.0);
            if (h == 0 && m == 0 && tenths > 0 && tenths < 10) {
                sb.append(s).append('.').append(tenths).append("s ");
            } else if (s > 0) {
                sb.append(s).append("s ");
            }
        }
        return sb.toString().strip();
    }

    public static String seconds(double s) {
        if (Double.isNaN(s) || Double.isInfinite(s)) {
            return "n/a";
        }
        return duration(Duration.ofMillis(Math.round(s * 1000)));
    }

    /** A value with its unit: "5 seconds", "0.05 ratio (5%)". */
    public static String value(double v, String unit) {
        if ("ratio".equals(unit)) {
            return num(v) + " (" + percent(v) + ")";
        }
        return num(v) + " " + unit;
    }

    public static String time(long epochMillis) {
        if (epochMillis <= 0) {
            return "n/a";
        }
        return TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Lower case with '-' for an enum constant: ONLINE_REWRITE becomes online-rewrite. */
    public static String kebab(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Words for an enum constant: ONLINE_REWRITE becomes "online rewrite". */
    public static String words(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    public static String orElse(String s, String fallback) {
        return s == null || s.isBlank() ? fallback : s;
    }
}
