/**
 * Implementation of migobs-core. <b>Not API</b>: anything here may change in any release without notice. Use the
 * types in {@code io.migobs} and {@code io.migobs.testing}.
 */
package io.migobs.internal;
