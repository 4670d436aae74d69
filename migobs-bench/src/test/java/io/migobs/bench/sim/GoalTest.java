package io.migobs.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The goal of SIMULATOR.md on every shipped profile, at the default model (5 million rows). */
class GoalTest {

    @ParameterizedTest
    @ValueSource(strings = {"steady", "lag-spike", "load-spike", "daily-cycle"})
    void migobsMeetsTheGoalOnTheShippedProfile(String name) throws Exception {
        Profile p = Profile.load(Path.of("profiles", name + ".csv"));
        List<Result> results = Bench.run(Model.DEFAULT, p, Bench.allStrategies());
        assertThat(results.get(0).survivable()).isTrue();
        assertThat(Bench.goalMiss(results, "migobs")).as(Bench.table(results)).isNull();
    }
}
