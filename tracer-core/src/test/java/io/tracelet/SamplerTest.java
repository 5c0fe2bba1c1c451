package io.tracelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SamplerTest {
  @Test void alwaysAndNever() {
    assertThat(Sampler.always().isSampled(1, "a", SpanKind.SERVER)).isTrue();
    assertThat(Sampler.never().isSampled(1, "a", SpanKind.SERVER)).isFalse();
  }

  @Test void probabilityKeepsAboutThatFractionAndDecidesFromTheTraceIdAlone() {
    Sampler tenth = Sampler.probability(0.1);
    SplittableRandom random = new SplittableRandom(7);
    int sampled = 0;
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      long traceId = random.nextLong();
      boolean decision = tenth.isSampled(traceId, "a", SpanKind.SERVER);
      // Every service with the same rule agrees, whatever the span.
      assertThat(Sampler.probability(0.1).isSampled(traceId, "other", SpanKind.CLIENT)).isEqualTo(decision);
      if (decision) sampled++;
    }
    assertThat(sampled / (double) n).isBetween(0.095, 0.105);
  }

  @Test void probabilityMatchesOpenTelemetrysRatioRule() {
    // OpenTelemetry's TraceIdRatioBased: sampled when |low 64 bits| < ratio * Long.MAX_VALUE.
    long bound = (long) (0.25 * Long.MAX_VALUE);
    Sampler quarter = Sampler.probability(0.25);
    assertThat(quarter.isSampled(bound - 1, "a", SpanKind.INTERNAL)).isTrue();
    assertThat(quarter.isSampled(-(bound - 1), "a", SpanKind.INTERNAL)).isTrue();
    assertThat(quarter.isSampled(bound, "a", SpanKind.INTERNAL)).isFalse();
    assertThat(quarter.isSampled(Long.MAX_VALUE, "a", SpanKind.INTERNAL)).isFalse();
  }

  @Test void probabilityEdges() {
    assertThat(Sampler.probability(0)).isSameAs(Sampler.never());
    assertThat(Sampler.probability(1)).isSameAs(Sampler.always());
    assertThatThrownBy(() -> Sampler.probability(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sampler.probability(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test void rateLimitedAllowsABurstOfNThenNPerSecond() {
    AtomicLong now = new AtomicLong(5_000_000_000L);
    RateLimitingSampler sampler = new RateLimitingSampler(10, now::get);
    int first = 0;
    for (int i = 0; i < 100; i++) if (sampler.isSampled(i, "a", SpanKind.SERVER)) first++;
    assertThat(first).isEqualTo(10);

    now.addAndGet(500_000_000L); // half a second later: five more
    int half = 0;
    for (int i = 0; i < 100; i++) if (sampler.isSampled(i, "a", SpanKind.SERVER)) half++;
    assertThat(half).isEqualTo(5);

    long total = 0;
    for (int second = 0; second < 10; second++) { // steady state over ten seconds
      now.addAndGet(1_000_000_000L);
      for (int i = 0; i < 1000; i++) if (sampler.isSampled(i, "a", SpanKind.SERVER)) total++;
    }
    assertThat(total).isEqualTo(100);
  }

  @Test void rateLimitedNeverExceedsTheRateUnderContention() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    RateLimitingSampler sampler = new RateLimitingSampler(1000, now::get);
    AtomicInteger sampled = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    Thread[] threads = new Thread[8];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 100_000; i++) if (sampler.isSampled(i, "a", SpanKind.SERVER)) sampled.incrementAndGet();
      });
      threads[t].start();
    }
    start.countDown();
    for (Thread thread : threads) thread.join();
    assertThat(sampled.get()).isEqualTo(1000); // time stood still: exactly the one-second burst
  }

  @Test void rateLimitedZeroSamplesNothing() {
    assertThat(Sampler.rateLimited(0).isSampled(1, "a", SpanKind.SERVER)).isFalse();
    assertThatThrownBy(() -> Sampler.rateLimited(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test void rulesFirstMatchWinsByNameExactPrefixAndKind() {
    Sampler sampler = Sampler.rules()
        .name("GET /health", Sampler.never())
        .name("POST /checkout*", Sampler.always())
        .kind(SpanKind.CONSUMER, Sampler.never())
        .rule(SpanKind.SERVER, "GET /api*", Sampler.always())
        .build(Sampler.never());
    assertThat(sampler.isSampled(1, "GET /health", SpanKind.SERVER)).isFalse();
    assertThat(sampler.isSampled(1, "GET /healthz", SpanKind.SERVER)).isFalse(); // fallback
    assertThat(sampler.isSampled(1, "POST /checkout/42", SpanKind.CONSUMER)).isTrue(); // earlier rule wins
    assertThat(sampler.isSampled(1, "orders", SpanKind.CONSUMER)).isFalse();
    assertThat(sampler.isSampled(1, "GET /api/items", SpanKind.SERVER)).isTrue();
    assertThat(sampler.isSampled(1, "GET /api/items", SpanKind.CLIENT)).isFalse();
  }
}
