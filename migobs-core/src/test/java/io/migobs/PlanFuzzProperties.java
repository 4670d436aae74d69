package io.migobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.migobs.testing.ScriptedSignal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Generated plans: every invalid one is rejected naming the field and value; every valid one builds. */
class PlanFuzzProperties {
    private static final Signal S = ScriptedSignal.named("s", "seconds").values(0);

    @Property(tries = 500)
    void batchSizesAreValidatedWithTheOffendingValueInTheMessage(@ForAll @IntRange(min = -5, max = 200) int initial,
            @ForAll @IntRange(min = -5, max = 200) int min, @ForAll @IntRange(min = -5, max = 200) int max) {
        boolean valid = initial > 0 && min > 0 && max > 0 && min <= max && initial >= min && initial <= max;
        Throwable t = catchThrowable(() -> MigrationPlan.builder("m").batchSize(initial, min, max).build());
        if (valid) {
            assertThat(t).isNull();
        } else {
            assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch size");
            String msg = t.getMessage();
            assertThat(msg).containsAnyOf(String.valueOf(initial), String.valueOf(min), String.valueOf(max));
        }
    }

    @Property(tries = 500)
    void thresholdsAreValidated(@ForAll("thresholds") double yellow, @ForAll("thresholds") double red,
            @ForAll boolean above) {
        Gate.Builder b = Gate.builder("g", S);
        Throwable t = catchThrowable(() -> {
            if (above) {
                b.yellowAbove(yellow).redAbove(red).build();
            } else {
                b.yellowBelow(yellow).redBelow(red).build();
            }
        });
        boolean finite = Double.isFinite(yellow) && Double.isFinite(red);
        boolean ordered = above ? yellow < red : yellow > red;
        if (finite && ordered) {
            assertThat(t).isNull();
        } else {
            assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gate 'g'");
            if (finite) {
                assertThat(t.getMessage()).contains(String.valueOf(yellow)).contains(String.valueOf(red));
            }
        }
    }

    @Property(tries = 300)
    void phaseQuotasAreValidated(@ForAll @Size(min = 1, max = 5) List<@IntRange(min = -2, max = 5) Integer> quotas,
            @ForAll @IntRange(min = 1, max = 30) int total) {
        MigrationPlan.Builder b = MigrationPlan.builder("m").totalRows(total);
        Throwable t = catchThrowable(() -> {
            for (int i = 0; i < quotas.size(); i++) {
                int q = quotas.get(i);
                Phase.Builder p = Phase.builder("p" + i);
                if (q != 0) {
                    p.rows(q);
                }
                b.phase(p.build());
            }
            b.build();
        });
        long sum = 0;
        boolean valid = true;
        for (int i = 0; i < quotas.size(); i++) {
            int q = quotas.get(i);
            if (q < 0 || (q == 0 && i < quotas.size() - 1)) {
                valid = false;
            }
            sum += Math.max(q, 0);
        }
        valid &= sum <= total;
        if (valid) {
            assertThat(t).isNull();
        } else {
            assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("phase 'p");
        }
    }

    @Property(tries = 300)
    void namesAreValidatedAndNeverReachMetricsOrDocumentsUnchecked(@ForAll("names") String name) {
        boolean valid = name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
        Throwable t = catchThrowable(() -> MigrationPlan.builder(name).gate(Gate.builder(name, S).redAbove(1).build())
                .build());
        if (valid) {
            assertThat(t).isNull();
        } else {
            assertThat(t).isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class);
            assertThat(t.getMessage()).contains("name");
        }
    }

    @Property(tries = 200)
    void everyValidPlanBuildsAndStarts(@ForAll @IntRange(min = 1, max = 100) int min,
            @ForAll @IntRange(min = 0, max = 100) int spread, @ForAll @IntRange(min = 1, max = 3) int phases,
            @ForAll @IntRange(min = 1, max = 4) int hold) {
        MigrationPlan.Builder b = MigrationPlan.builder("valid").totalRows(1_000_000).batchSize(min, min, min + spread)
                .gate(Gate.builder("g", S).yellowAbove(1).redAbove(2).holdSamples(hold).build());
        for (int i = 0; i < phases - 1; i++) {
            b.phase(Phase.builder("p" + i).rows(1000).build());
        }
        b.phase(Phase.builder("last").build());
        assertThatCode(() -> {
            try (MigrationRun run = MigrationRun.builder(b.build()).timeSource(new io.migobs.testing.ManualTimeSource())
                    .start()) {
                assertThat(run.nextBatch().size()).isBetween(min, min + spread);
            }
        }).doesNotThrowAnyException();
    }

    @Provide
    Arbitrary<Double> thresholds() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(-100, 100),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20),
                Arbitraries.strings().ofMinLength(0).ofMaxLength(20),
                Arbitraries.of("x'; drop table t; --", "a b", "", " ", "/*c*/", "名前", "a\"b", "a;b"));
    }
}
