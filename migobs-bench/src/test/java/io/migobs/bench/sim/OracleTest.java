package io.migobs.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OracleTest {

    @ParameterizedTest(name = "R={0} C={1} rho={2}: r*={3}")
    @CsvSource({
        "4000, 100000, 0.2, 4000",   // the replica is the limit
        "50000, 20000, 0.5, 5000",   // the primary's headroom is the limit
        "50000, 200000, 0.1, 20000", // one connection's speed is the limit
    })
    void onAConstantProfileTheOracleFinishesAtTheClosedForm(double r, double c, double rho, double rStar) {
        Model model = new Model(0.01, 1_000_000, 0.005, 20_000, 0.010, 1, 1, 5, 2.0, 30, 4.0, 86_400);
        Simulator sim = new Simulator(model, Profile.constant("const", r, c, rho));
        new OracleStrategy().run(sim);
        Result res = sim.result("oracle");
        assertThat(res.aborted()).isFalse();
        // T* = N / r*, on the step grid
        assertThat(res.timeSeconds()).isCloseTo(1_000_000 / rStar, within(model.stepSeconds() + 1e-9));
        assertThat(res.lagViolationSeconds()).isZero();
        assertThat(res.inflationViolationSeconds()).isZero();
        assertThat(res.inflationP99()).isLessThanOrEqualTo(2.0 + 1e-9);
    }

    @ParameterizedTest(name = "rho={0}")
    @CsvSource({"0.0", "0.5", "0.9"})
    void whereThePrimaryIsTheLimitTheOracleRunsExactlyAtTheInflationSlo(double rho) {
        Model model = new Model(0.01, 100_000, 0.005, 1e9, 0.010, 1, 1, 5, 2.0, 30, 4.0, 86_400);
        Simulator sim = new Simulator(model, Profile.constant("c", 1e9, 10_000, rho));
        for (int i = 0; i < 300; i++) {
            sim.oracleStep();
        }
        assertThat(sim.inflation()).isCloseTo(2.0, within(1e-6));
        assertThat(sim.lag()).isZero();
    }
}
