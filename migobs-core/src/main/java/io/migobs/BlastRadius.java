package io.migobs;

/** How much of the product is hurt if the migration goes wrong. */
public enum BlastRadius {
    /** One internal or low-traffic feature; no customer-visible impact expected. */
    LOW,
    /** A customer-visible feature or a single tenant; degraded but not down. */
    MEDIUM,
    /** A critical path (checkout, login) or every tenant: an incident if it goes wrong. */
    HIGH
}
