package io.migobs.otel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The migobs-otel version, from a resource Maven filters at build time. Not API. */
public final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    /** @return the version, or "unknown" when the resource is missing (a build that skipped resource filtering) */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
