/**
 * Documents generated from a {@link io.migobs.MigrationPlan}: the runbook with a gate table per phase, a dashboard
 * (Markdown spec and importable Grafana JSON), alert rules (Markdown spec and Prometheus rules), the closeout of a
 * finished run and the summary — and plans written as YAML. Entry points: {@link MigrationArtifacts} and
 * {@link PlanYaml}.
 */
package io.migobs.artifacts;
