package io.tracelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TraceContextTest {
  @Test void hexFormsAreLowercasePaddedAndCached() {
    TraceContext c = TraceContext.newBuilder().traceId(0xABCL, 0x1L).spanId(0xFFL).parentId(0x10L).build();
    assertThat(c.traceIdHex()).isEqualTo("0000000000000abc0000000000000001");
    assertThat(c.spanIdHex()).isEqualTo("00000000000000ff");
    assertThat(c.parentIdHex()).isEqualTo("0000000000000010");
    assertThat(c.traceIdHex()).isSameAs(c.traceIdHex());
    assertThat(c.spanIdHex()).isSameAs(c.spanIdHex());
    assertThat(c.is128Bit()).isTrue();
  }

  @Test void sixtyFourBitTraceIdHasSixteenHexDigits() {
    TraceContext c = TraceContext.newBuilder().traceId(0, -1L).spanId(1).build();
    assertThat(c.traceIdHex()).isEqualTo("ffffffffffffffff");
    assertThat(c.is128Bit()).isFalse();
    assertThat(c.parentIdHex()).isNull();
  }

  @Test void samplingIsTriState() {
    TraceContext.Builder b = TraceContext.newBuilder().traceId(0, 1).spanId(2);
    assertThat(b.build().hasSamplingDecision()).isFalse();
    assertThat(b.build().isSampled()).isFalse();
    assertThat(b.sampled(true).build().isSampled()).isTrue();
    assertThat(b.sampled(false).build().hasSamplingDecision()).isTrue();
    assertThat(b.sampled(false).build().isSampled()).isFalse();
    assertThat(b.sampled(null).debug(true).build().isSampled()).isTrue();
  }

  @Test void flagsRoundTripThroughToBuilder() {
    TraceContext c = TraceContext.newBuilder().traceId(3, 4).spanId(5).parentId(6).sampled(true).debug(true)
        .shared(true).traceIdRandom(true).traceState("a=b").baggage(Baggage.empty().with("k", "v")).build();
    TraceContext copy = c.toBuilder().build();
    assertThat(copy).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(copy.shared()).isTrue();
    assertThat(copy.traceIdRandom()).isTrue();
    assertThat(copy.traceState()).isEqualTo("a=b");
    assertThat(copy.toString()).contains("debug", "shared", "sampled");
  }

  @Test void samplingOnlyContextHasNoIds() {
    TraceContext c = TraceContext.newBuilder().sampled(false).build();
    assertThat(c.hasIds()).isFalse();
    assertThat(c.toString()).isEqualTo("TraceContext{unsampled}");
  }

  @Test void halfAnIdentityIsRefused() {
    assertThatThrownBy(() -> TraceContext.newBuilder().traceId(0, 1).build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TraceContext.newBuilder().spanId(1).build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TraceContext.newBuilder().parentId(1).build()).isInstanceOf(IllegalStateException.class);
  }

  @Test void emptyTraceStateIsNone() {
    assertThat(TraceContext.newBuilder().traceState("").build().traceState()).isNull();
  }
}
