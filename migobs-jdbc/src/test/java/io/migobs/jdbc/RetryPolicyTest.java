package io.migobs.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void defaultsAndExponentialBackoffCappedAtMax() {
        RetryPolicy p = RetryPolicy.defaults();
        assertThat(p.maxAttempts()).isEqualTo(5);
        assertThat(p.retryBudget()).isEqualTo(100);
        assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.backoff(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(p.backoff(30)).isEqualTo(Duration.ofSeconds(10));
        RetryPolicy q = RetryPolicy.builder().backoff(Duration.ofSeconds(1), Duration.ofSeconds(5), 3).build();
        assertThat(q.backoff(2)).isEqualTo(Duration.ofSeconds(3));
        assertThat(q.backoff(3)).isEqualTo(Duration.ofSeconds(5));
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
        assertThat(RetryPolicy.none().retryBudget()).isZero();
    }

    @Test
    void rejectsBadValuesNamingThem() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAttempts must be at least 1 but was 0");
        assertThatThrownBy(() -> RetryPolicy.builder().retryBudget(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retryBudget cannot be negative but was -1");
        assertThatThrownBy(() -> RetryPolicy.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max backoff PT1S");
        assertThatThrownBy(() -> RetryPolicy.builder().backoff(Duration.ofMillis(-1), Duration.ofSeconds(1), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial backoff");
        assertThatThrownBy(() -> RetryPolicy.builder().backoff(Duration.ZERO, Duration.ofSeconds(1), 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> RetryPolicy.builder().backoff(Duration.ZERO, Duration.ofSeconds(1), Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> RetryPolicy.builder().backoff(null, Duration.ofSeconds(1), 2))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RetryPolicy.defaults().backoff(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retry must be at least 1 but was 0");
    }
}
