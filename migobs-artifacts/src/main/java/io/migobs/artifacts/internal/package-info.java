/**
 * Renderers and the YAML plan reader behind {@link io.migobs.artifacts.MigrationArtifacts} and
 * {@link io.migobs.artifacts.PlanYaml}. Not API: anything here may change without notice.
 */
package io.migobs.artifacts.internal;
