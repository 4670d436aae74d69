package io.migobs.jdbc.internal;

import io.migobs.jdbc.Dialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Dialect-specific SQL text: identifier validation and quoting, casts, hashes, types. Immutable. Not API. */
public final class Sql {
    private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern HOST = Pattern.compile("^jdbc:[a-z0-9]+:(?:[a-z]+:)?//(?:[^@/]*@)?([^/:;?,]+)");

    /** How the database folds unquoted identifiers. */
    public enum Fold {
        UPPER, LOWER, NONE
    }

    private final Dialect dialect;
    private final Fold fold;

    private Sql(Dialect dialect, Fold fold) {
        this.dialect = dialect;
        this.fold = fold;
    }

    /** The dialect's default folding (H2 upper, PostgreSQL lower, MariaDB/MySQL unchanged). */
    public static Sql forDialect(Dialect d) {
        switch (d) {
            case H2:
                return new Sql(d, Fold.UPPER);
            case POSTGRESQL:
                return new Sql(d, Fold.LOWER);
            default:
                return new Sql(d, Fold.NONE);
        }
    }

    /** Detects dialect and folding from the connection's metadata. */
    public static Sql of(Connection c) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        Dialect d = Dialect.fromProductName(md.getDatabaseProductName());
        if (d.isMySqlFamily()) {
            // lower_case_table_names=1 stores lower case; column names are case-insensitive either way
            return new Sql(d, md.storesLowerCaseIdentifiers() ? Fold.LOWER : Fold.NONE);
        }
        Fold f = md.storesUpperCaseIdentifiers() ? Fold.UPPER : md.storesLowerCaseIdentifiers() ? Fold.LOWER
                : Fold.NONE;
        return new Sql(d, f);
    }

    /**
     * "dialect@host" for messages: never the URL (which may carry a password) nor the user.
     */
    public static String describe(Connection c) {
        try {
            DatabaseMetaData md = c.getMetaData();
            Dialect d = Dialect.fromProductName(md.getDatabaseProductName());
            return d.systemName() + "@" + host(md.getURL());
        } catch (SQLException | RuntimeException e) {
            return "database@unknown";
        }
    }

    static String host(String url) {
        if (url == null) {
            return "unknown";
        }
        if (url.startsWith("jdbc:h2:mem:")) {
            return "mem";
        }
        if (url.startsWith("jdbc:h2:")) {
            return url.startsWith("jdbc:h2:tcp:") || url.startsWith("jdbc:h2:ssl:") ? hostOf(url) : "file";
        }
        return hostOf(url);
    }

    private static String hostOf(String url) {
        Matcher m = HOST.matcher(url);
        return m.find() ? m.group(1) : "unknown";
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Validates a name: parts of letters, digits, '_', separated by '.' when qualified. */
    public static String validate(String identifier, String parameter, boolean qualified) {
        if (identifier == null) {
            throw new NullPointerException(parameter + " cannot be null");
        }
        String[] parts = identifier.split("\\.", -1);
        boolean ok = parts.length >= 1 && parts.length <= (qualified ? 3 : 1);
        for (String p : parts) {
            ok &= PART.matcher(p).matches();
        }
        if (!ok) {
            throw new IllegalArgumentException(parameter + " '" + printable(identifier) + "' is not a valid SQL"
                    + " identifier: use letters, digits and '_', starting with a letter or '_', at most 63 characters"
                    + (qualified ? " (optionally qualified as schema.name)" : ""));
        }
        return identifier;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char ch = s.charAt(i);
            b.append(ch < 0x20 || ch == 0x7f ? '?' : ch);
        }
        return s.length() > 100 ? b + "..." : b.toString();
    }

    /** Validates and quotes a (qualified) table name. */
    public String table(String name, String parameter) {
        return quote(name, parameter);
    }

    /** Validates and quotes a column name (no qualification). */
    public String column(String name, String parameter) {
        validate(name, parameter, false);
        return quotePart(name);
    }

    /** Validates and quotes a possibly qualified name. */
    public String quote(String identifier, String parameter) {
        validate(identifier, parameter, true);
        StringBuilder b = new StringBuilder();
        for (String p : identifier.split("\\.")) {
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(quotePart(p));
        }
        return b.toString();
    }

    /** A validated name part folded as the database folds unquoted names. */
    public String fold(String p) {
        return fold == Fold.UPPER ? p.toUpperCase(Locale.ROOT) : fold == Fold.LOWER ? p.toLowerCase(Locale.ROOT) : p;
    }

    private String quotePart(String p) {
        String folded = fold(p);
        // validated: no quote characters can occur inside
        return dialect.isMySqlFamily() ? "`" + folded + "`" : "\"" + folded + "\"";
    }

    public List<String> columns(List<String> names, String parameter) {
        List<String> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(column(n, parameter));
        }
        return out;
    }

    /** A value as text, for hashing. */
    public String castText(String expr) {
        switch (dialect) {
            case POSTGRESQL:
                return "CAST(" + expr + " AS TEXT)";
            case H2:
                return "CAST(" + expr + " AS VARCHAR)";
            default:
                return "CAST(" + expr + " AS CHAR)";
        }
    }

    /**
     * A 64-bit hash of a text: the first 8 bytes of its MD5 (UTF-8), as a signed BIGINT on H2 and PostgreSQL and
     * unsigned on MariaDB/MySQL (same bits).
     */
    public String hash64(String textExpr) {
        switch (dialect) {
            case POSTGRESQL:
                return "('x' || substr(md5(" + textExpr + "), 1, 16))::bit(64)::bigint";
            case H2:
                return "CAST(SUBSTRING(HASH('MD5', " + textExpr + "), 1, 8) AS BIGINT)";
            default:
                return "CAST(CONV(SUBSTRING(MD5(" + textExpr + "), 1, 16), 16, 10) AS UNSIGNED)";
        }
    }

    /** The XOR aggregate. */
    public String xorAgg(String expr) {
        switch (dialect) {
            case POSTGRESQL:
                return "bit_xor(" + expr + ")";
            case H2:
                return "BIT_XOR_AGG(" + expr + ")";
            default:
                return "BIT_XOR(" + expr + ")";
        }
    }

    /** The character length of a text. */
    public String charLength(String textExpr) {
        return "CHAR_LENGTH(" + textExpr + ")";
    }

    public String timestampType() {
        return dialect.isMySqlFamily() ? "DATETIME(3)" : "TIMESTAMP(3)";
    }
}
