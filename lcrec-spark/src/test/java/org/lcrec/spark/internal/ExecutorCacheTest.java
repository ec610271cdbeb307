package org.lcrec.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ExecutorCacheTest {
    /**
     * An opener that asks the cache for another key, as a task generator opening its dataset does.
     * "Aa" and "BB" have the same hash code, so the two keys always share a bin of the map: opening
     * inside the map's own computeIfAbsent failed here with "Recursive update" every time (and in
     * Spark tasks whenever the temp paths happened to collide).
     */
    @Test
    void anOpenerMayOpenAnotherKey() {
        String outer = "executor-cache-test-Aa";
        String inner = "executor-cache-test-BB";
        assertThat(outer.hashCode()).isEqualTo(inner.hashCode());
        String v =
                ExecutorCache.get(
                        outer,
                        String.class,
                        () ->
                                ExecutorCache.get(inner, String.class, () -> "dataset")
                                        + "+generator");
        assertThat(v).isEqualTo("dataset+generator");
        assertThat(ExecutorCache.get(inner, String.class, () -> "other")).isEqualTo("dataset");
    }

    @Test
    void aKeyOpensOnceAndAFailedOpenIsRetried() {
        String key = "executor-cache-test-retry";
        AtomicInteger opens = new AtomicInteger();
        int before = ExecutorCache.size();
        assertThatThrownBy(
                        () ->
                                ExecutorCache.get(
                                        key,
                                        Integer.class,
                                        () -> {
                                            opens.incrementAndGet();
                                            throw new IllegalStateException("disk gone");
                                        }))
                .hasMessage("disk gone");
        assertThat(ExecutorCache.size()).isEqualTo(before);
        for (int i = 0; i < 3; i++) {
            assertThat(ExecutorCache.get(key, Integer.class, () -> opens.incrementAndGet()))
                    .isEqualTo(2);
        }
        assertThat(opens).hasValue(2);
        assertThat(ExecutorCache.size()).isEqualTo(before + 1);
    }
}
