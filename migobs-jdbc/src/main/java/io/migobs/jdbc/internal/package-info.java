/**
 * Implementation of migobs-jdbc: SQL building, keyset walking, cursor encoding, failure handling. Not API: may
 * change in any release.
 */
package io.migobs.jdbc.internal;
