/**
 * Database health signals for gates: replica lag, load, lock waits, long transactions, autovacuum and heartbeats on
 * PostgreSQL and MariaDB/MySQL, and any SQL query. Start at {@link io.migobs.jdbc.signal.DatabaseSignals}.
 *
 * <p>Every signal borrows a connection from the given {@link javax.sql.DataSource} for each read, runs one short
 * query with a query timeout, and returns the connection. A read that cannot produce an honest number throws a
 * {@link io.migobs.jdbc.signal.DatabaseSignalException}, which a gate reads as UNKNOWN: a broken replication
 * stream, a monitoring view the user may not fully see, a missing heartbeat row. Messages never contain a JDBC URL
 * or a password.
 */
package io.migobs.jdbc.signal;
