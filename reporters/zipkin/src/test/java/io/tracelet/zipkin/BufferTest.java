package io.tracelet.zipkin;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BufferTest {
  static String written(java.util.function.Consumer<Buffer> write) {
    Buffer buffer = new Buffer(1); // tiny: every write grows it
    write.accept(buffer);
    return new String(buffer.array, 0, buffer.size, US_ASCII);
  }

  @Test void decimalsOfEveryLength() {
    List<Long> values = new ArrayList<>(List.of(0L, Long.MAX_VALUE));
    for (long p = 1; p <= Long.MAX_VALUE / 10; p *= 10) { // every power of ten up to 10^18
      values.addAll(List.of(p - 1, p, p + 1));
    }
    Random random = new Random(1);
    for (int i = 0; i < 1000; i++) values.add(random.nextLong() >>> (1 + random.nextInt(63))); // non-negative
    for (long v : values) {
      assertThat(written(b -> b.writeDecimal(v))).isEqualTo(Long.toString(v));
    }
  }

  @Test void hexIsAlwaysSixteenLowercaseDigits() {
    Random random = new Random(2);
    for (long v : new long[] {0L, 1L, -1L, Long.MIN_VALUE, 0x0123456789abcdefL, random.nextLong()}) {
      assertThat(written(b -> b.writeHex(v))).isEqualTo(String.format("%016x", v));
    }
  }
}
