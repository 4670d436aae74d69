package io.migobs.jdbc;

import io.migobs.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * The SQL dialects migobs-jdbc speaks, detected from {@link DatabaseMetaData#getDatabaseProductName()}.
 *
 * <p><b>Identifiers.</b> Every table and column name given to this module is validated before it reaches SQL: a
 * name is one or more parts separated by '.', each part starting with a letter or '_' and made of letters, digits
 * and '_' only, at most 63 characters. Quotes, semicolons, spaces, comment markers ({@code --}, {@code /*},
 * {@code #}) and any other character are rejected with an {@link IllegalArgumentException} naming the parameter
 * and the value. Valid names are then quoted the dialect's way ({@code "x"} or {@code `x`}) after folding case as
 * the database folds unquoted names (H2: upper case, PostgreSQL: lower case, MariaDB/MySQL: unchanged, or lower
 * case under {@code lower_case_table_names=1}; the driver reads this from {@link DatabaseMetaData}), so
 * {@code items}, {@code ITEMS} and reserved words such as {@code key} all work as they would unquoted.
 *
 * <p>Thread-safe (an enum).
 */
public enum Dialect {
    /** H2 2.x (in memory or on file). */
    H2("h2"),
    /** PostgreSQL 14 or later (the checksum uses {@code bit_xor}). */
    POSTGRESQL("postgresql"),
    /** MariaDB 10.x/11.x. */
    MARIADB("mariadb"),
    /** MySQL 8.x (same SQL as MariaDB here). */
    MYSQL("mysql");

    private final String systemName;

    Dialect(String systemName) {
        this.systemName = systemName;
    }

    /**
     * The database system's name as OpenTelemetry's {@code db.system.name} spells it.
     *
     * @return {@code h2}, {@code postgresql}, {@code mariadb} or {@code mysql}
     */
    public String systemName() {
        return systemName;
    }

    /** @return true for MariaDB and MySQL, which share their SQL syntax here */
    public boolean isMySqlFamily() {
        return this == MARIADB || this == MYSQL;
    }

    /**
     * Detects the dialect of a connection.
     *
     * @param connection an open connection (not closed by this method)
     * @return the dialect
     * @throws SQLException if the metadata cannot be read
     * @throws IllegalArgumentException if the database is not one of the supported ones (naming the product)
     */
    public static Dialect of(Connection connection) throws SQLException {
        return fromProductName(connection.getMetaData().getDatabaseProductName());
    }

    /**
     * Detects the dialect of a DataSource (opens and closes one connection).
     *
     * @param dataSource the database
     * @return the dialect
     * @throws SQLException if no connection can be opened
     * @throws IllegalArgumentException if the database is not supported
     */
    public static Dialect of(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return of(c);
        }
    }

    /**
     * Maps a product name ({@link DatabaseMetaData#getDatabaseProductName()}) to a dialect.
     *
     * @param productName e.g. {@code H2}, {@code PostgreSQL}, {@code MariaDB}, {@code MySQL}
     * @return the dialect
     * @throws IllegalArgumentException if the product is not supported
     */
    public static Dialect fromProductName(String productName) {
        String p = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (p.contains("h2")) {
            return H2;
        }
        if (p.contains("postgres")) {
            return POSTGRESQL;
        }
        if (p.contains("mariadb")) {
            return MARIADB;
        }
        if (p.contains("mysql")) {
            return MYSQL;
        }
        throw new IllegalArgumentException("database product '" + productName
                + "' is not supported: migobs-jdbc supports H2, PostgreSQL, MariaDB and MySQL");
    }

    /**
     * Validates a (possibly schema-qualified) identifier and quotes it for this dialect, folding case the way the
     * database folds unquoted names (see the class comment).
     *
     * @param identifier e.g. {@code items} or {@code app.items}
     * @param parameter what the identifier is, for the error message (e.g. {@code "table"})
     * @return the quoted identifier, e.g. {@code "ITEMS"} on H2, {@code "items"} on PostgreSQL, {@code `items`}
     * @throws NullPointerException if identifier is null
     * @throws IllegalArgumentException if the identifier is not valid (the message names the parameter and value)
     */
    public String quote(String identifier, String parameter) {
        return Sql.forDialect(this).quote(identifier, parameter);
    }

    /**
     * Checks an identifier without quoting it (the rule of the class comment).
     *
     * @param identifier the name
     * @param parameter what it is, for the message
     * @param qualified whether a schema-qualified name (parts separated by '.') is allowed
     * @return the identifier
     * @throws NullPointerException if identifier is null
     * @throws IllegalArgumentException if it is not valid
     */
    public static String validate(String identifier, String parameter, boolean qualified) {
        return Sql.validate(identifier, parameter, qualified);
    }
}
