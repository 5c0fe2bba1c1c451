package io.tracelet.propagation;

import io.tracelet.Baggage;
import io.tracelet.TraceContext;
import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;

/**
 * Random trace contexts that every format can carry at least in part: 64- and 128-bit trace IDs,
 * root and child spans, undecided, unsampled, sampled and debug, the random-trace-ID flag, and
 * valid tracestate and baggage.
 */
final class RandomContexts {
  static final String LCALPHA = "abcdefghijklmnopqrstuvwxyz";
  static final String KEY_CHARS = LCALPHA + "0123456789_-*/";
  static final String TCHARS = "!#$%&'*+-.^_`|~0123456789" + LCALPHA + LCALPHA.toUpperCase();

  final long seed;
  final Random random;

  RandomContexts() {
    this(System.nanoTime());
  }

  RandomContexts(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
  }

  TraceContext next() {
    TraceContext.Builder b = TraceContext.newBuilder()
        .traceId(random.nextInt(3) == 0 ? 0L : nonZero(), nonZero())
        .spanId(nonZero())
        .parentId(random.nextBoolean() ? nonZero() : 0L)
        .traceIdRandom(random.nextBoolean());
    switch (random.nextInt(4)) {
      case 0:
        break; // undecided
      case 1:
        b.sampled(false);
        break;
      case 2:
        b.sampled(true);
        break;
      default:
        b.debug(true);
    }
    if (random.nextInt(3) > 0) b.traceState(traceState());
    if (random.nextInt(3) > 0) b.baggage(baggage());
    return b.build();
  }

  long nonZero() {
    long id;
    do {
      id = random.nextLong();
    } while (id == 0L);
    return id;
  }

  /**
   * 1 to 12 members with distinct simple and multi-tenant keys; at most 512 characters. The keys
   * also follow the Level 1 key rules, which OpenTelemetry still applies, so that it reads them.
   */
  String traceState() {
    Set<String> keys = new LinkedHashSet<>();
    StringBuilder result = new StringBuilder();
    for (int i = 0, n = 1 + random.nextInt(12); i < n; i++) {
      String key = random.nextInt(4) == 0
          ? chars(LCALPHA + "0123456789", 1) + chars(KEY_CHARS, random.nextInt(8)) + "@"
              + chars(LCALPHA, 1) + chars(KEY_CHARS, random.nextInt(6))
          : chars(LCALPHA, 1) + chars(KEY_CHARS, random.nextInt(12));
      StringBuilder value = new StringBuilder();
      for (int j = random.nextInt(20); j > 0; j--) {
        char c = (char) (0x20 + random.nextInt(0x5f));
        if (c != ',' && c != '=') value.append(c);
      }
      value.append((char) ('!' + random.nextInt(10))); // ends with a non-blank
      String member = key + "=" + value;
      if (!keys.add(key) || result.length() + member.length() + 1 > 512) continue;
      if (result.length() > 0) result.append(',');
      result.append(member);
    }
    return result.toString();
  }

  /** 1 to 10 entries: token names, any text for values (Unicode included), some properties. */
  Baggage baggage() {
    Baggage result = Baggage.empty();
    for (int i = 0, n = 1 + random.nextInt(10); i < n; i++) {
      String metadata = random.nextInt(3) == 0 ? properties() : null;
      result = result.with(chars(TCHARS, 1 + random.nextInt(15)), text(random.nextInt(30)), metadata);
    }
    return result;
  }

  String properties() {
    StringBuilder result = new StringBuilder();
    for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
      if (i > 0) result.append(';');
      result.append(chars(TCHARS, 1 + random.nextInt(8)));
      if (random.nextBoolean()) result.append('=').append(chars(TCHARS + ":/?@[]=", random.nextInt(8)));
    }
    return result.toString();
  }

  /** Text of any kind: ASCII with the characters baggage must escape, accented, symbols, emoji. */
  String text(int length) {
    StringBuilder result = new StringBuilder();
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(5)) {
        case 0:
          result.append(" %,;\"\\=\t".charAt(random.nextInt(8)));
          break;
        case 1:
          result.append((char) (0xa0 + random.nextInt(0x700)));
          break;
        case 2:
          result.appendCodePoint(0x1f300 + random.nextInt(0x300));
          break;
        default:
          result.append((char) (0x21 + random.nextInt(0x5e)));
      }
    }
    return result.toString();
  }

  String chars(String alphabet, int count) {
    char[] result = new char[count];
    for (int i = 0; i < count; i++) result[i] = alphabet.charAt(random.nextInt(alphabet.length()));
    return new String(result);
  }
}
