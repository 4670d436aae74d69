/**
 * JDBC adapter for migobs: a keyset-paginated backfill driver ({@link io.migobs.jdbc.JdbcBackfill}) whose
 * checkpoint is written in the same transaction as each batch, a checksum invariant
 * ({@link io.migobs.jdbc.JdbcChecksum}), retry of transient SQL failures ({@link io.migobs.jdbc.FailureKind},
 * {@link io.migobs.jdbc.RetryPolicy}) and dialect-aware identifier quoting ({@link io.migobs.jdbc.Dialect}) for
 * H2, PostgreSQL, MariaDB and MySQL.
 *
 * <p>Everything takes a {@link javax.sql.DataSource}; no JDBC URL, user or password ever appears in a log line or
 * an exception message of this module (a database is described as {@code dialect@host}).
 */
package io.migobs.jdbc;
