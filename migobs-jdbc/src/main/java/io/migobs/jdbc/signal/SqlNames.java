package io.migobs.jdbc.signal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Table names for the signals: validated strictly (no quotes, spaces, semicolons or comment markers can get
 * through), then folded to the database's case for unquoted names and quoted with its quote string.
 */
final class SqlNames {
    private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private SqlNames() {
    }

    /**
     * Splits and validates {@code table} or {@code schema.table}.
     *
     * @param name the name
     * @param field what the name is, for the message
     * @return one or two parts
     * @throws NullPointerException if name is null
     * @throws IllegalArgumentException if a part is not a plain identifier
     */
    static List<String> parse(String name, String field) {
        if (name == null) {
            throw new NullPointerException(field + " cannot be null");
        }
        String[] parts = name.split("\\.", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException(field + " '" + name + "' must be 'table' or 'schema.table'");
        }
        for (String p : parts) {
            if (!PART.matcher(p).matches()) {
                throw new IllegalArgumentException(field + " '" + name + "' is not a plain SQL identifier: each part"
                        + " must be 1-63 letters, digits or '_', not starting with a digit");
            }
        }
        return List.of(parts);
    }

    /**
     * Renders validated parts for SQL on this connection: folded like the database folds unquoted names (so
     * {@code orders} finds a table created as {@code CREATE TABLE orders}), then quoted.
     */
    static String quote(Connection c, List<String> parts) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        String q = md.getIdentifierQuoteString();
        if (q == null || q.isBlank()) {
            q = "\"";
        }
        q = q.trim();
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            String folded = p;
            if (md.storesUpperCaseIdentifiers()) {
                folded = p.toUpperCase(Locale.ROOT);
            } else if (md.storesLowerCaseIdentifiers()) {
                folded = p.toLowerCase(Locale.ROOT);
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(q).append(folded).append(q);
        }
        return sb.toString();
    }
}
