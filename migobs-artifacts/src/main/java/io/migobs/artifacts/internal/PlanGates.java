package io.migobs.artifacts.internal;

import io.migobs.Gate;
import io.migobs.MigrationPlan;
import io.migobs.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Every gate of a plan with the phase it is limited to (null for the plan's gates). Not API. */
public record PlanGates(Gate gate, String phase) {

    public static List<PlanGates> of(MigrationPlan plan) {
        List<PlanGates> all = new ArrayList<>();
        for (Gate g : plan.gates()) {
            all.add(new PlanGates(g, null));
        }
        for (Phase p : plan.phases()) {
            for (Gate g : p.gates()) {
                all.add(new PlanGates(g, p.name()));
            }
        }
        return all;
    }

    public static Duration longestHold(MigrationPlan plan) {
        Duration max = Duration.ZERO;
        for (Gate g : plan.allGates()) {
            if (g.holdWindow().compareTo(max) > 0) {
                max = g.holdWindow();
            }
        }
        return max;
    }
}
