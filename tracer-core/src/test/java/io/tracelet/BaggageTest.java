package io.tracelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BaggageTest {
  @Test void withAddsReplacesAndKeepsOrder() {
    Baggage b = Baggage.empty().with("a", "1").with("b", "2", "prop=x").with("a", "3");
    assertThat(b.asMap()).containsExactly(Map.entry("a", "3"), Map.entry("b", "2"));
    assertThat(b.metadata(1)).isEqualTo("prop=x");
    assertThat(b.metadata(0)).isNull();
    assertThat(b.get("missing")).isNull();
    assertThat(Baggage.empty().isEmpty()).isTrue();
  }

  @Test void isImmutable() {
    Baggage empty = Baggage.empty();
    Baggage one = empty.with("a", "1");
    assertThat(empty.size()).isZero();
    assertThat(one.without("a")).isSameAs(Baggage.empty());
    assertThat(one.size()).isEqualTo(1);
  }

  @Test void withoutRemovesOnlyThatEntry() {
    Baggage b = Baggage.empty().with("a", "1").with("b", "2").with("c", "3").without("b");
    assertThat(b.asMap()).containsExactly(Map.entry("a", "1"), Map.entry("c", "3"));
    assertThat(b.without("zzz")).isSameAs(b);
  }

  @Test void invalidEntriesAreIgnored() {
    Baggage b = Baggage.empty();
    assertThat(b.with(null, "v")).isSameAs(b);
    assertThat(b.with("", "v")).isSameAs(b);
    assertThat(b.with("k", null)).isSameAs(b);
  }

  @Test void atMostSixtyFourEntries() {
    Baggage b = Baggage.empty();
    for (int i = 0; i < 100; i++) b = b.with("k" + i, "v");
    assertThat(b.size()).isEqualTo(Baggage.MAX_ENTRIES);
    assertThat(b.get("k63")).isEqualTo("v");
    assertThat(b.get("k64")).isNull();
  }

  @Test void atMost8192CharactersIncludingReplacements() {
    Baggage b = Baggage.empty().with("big", "x".repeat(8000));
    assertThat(b.with("more", "y".repeat(500))).isSameAs(b);
    assertThat(b.with("big", "z".repeat(9000))).isSameAs(b);
    assertThat(b.with("big", "small").get("big")).isEqualTo("small");
    assertThat(b.with("big", "small").with("more", "y".repeat(500)).size()).isEqualTo(2);
  }

  @Test void equality() {
    assertThat(Baggage.empty().with("a", "1")).isEqualTo(Baggage.empty().with("a", "1"))
        .hasSameHashCodeAs(Baggage.empty().with("a", "1"))
        .isNotEqualTo(Baggage.empty().with("a", "2"));
  }

  @Test void builderAddsLikeWithUnderTheSameLimits() {
    Baggage.Builder builder = Baggage.newBuilder();
    assertThat(builder.add("a", "1", null)).isTrue();
    assertThat(builder.add("b", "2", "p")).isTrue();
    assertThat(builder.add("a", "3", null)).isTrue(); // replaces, keeps the position
    assertThat(builder.add("", "x", null)).isFalse();
    assertThat(builder.add("c", null, null)).isFalse();
    Baggage built = builder.build();
    assertThat(built).isEqualTo(Baggage.empty().with("a", "3").with("b", "2", "p"));

    for (int i = 0; i < 100; i++) builder.add("k" + i, "v", null);
    Baggage full = builder.build();
    assertThat(full.size()).isEqualTo(Baggage.MAX_ENTRIES);
    assertThat(builder.add("more", "v", null)).isFalse();
    assertThat(built.size()).isEqualTo(2); // what was built earlier does not change
  }

  @Test void builderMayGoOnAfterBuildWithoutChangingWhatItBuilt() {
    Baggage.Builder builder = Baggage.newBuilder();
    builder.add("a", "1", null);
    Baggage first = builder.build();
    builder.add("a", "2", null);
    builder.add("b", "3", null);
    assertThat(first.asMap()).containsExactly(Map.entry("a", "1"));
    assertThat(builder.build().asMap()).containsExactly(Map.entry("a", "2"), Map.entry("b", "3"));
    assertThat(Baggage.newBuilder().build()).isSameAs(Baggage.empty());
  }

  @Test void builderRefusesWhatWouldPassTheCharacterLimit() {
    Baggage.Builder builder = Baggage.newBuilder();
    assertThat(builder.add("big", "x".repeat(8000), null)).isTrue();
    assertThat(builder.add("more", "y".repeat(500), null)).isFalse();
    assertThat(builder.add("big", "small", null)).isTrue();
    assertThat(builder.add("more", "y".repeat(500), null)).isTrue();
  }
}
