package io.tracelet.reporter.zipkin;

import io.tracelet.Endpoint;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random finished spans whose strings are hostile to encoders: every Unicode plane, lone
 * surrogates, control characters, quotes and backslashes, JavaScript line separators; and now and
 * then a large tag. Seeded, so a failure repeats.
 */
final class RandomSpans {
  private final Random random;
  private final boolean largeTags;

  /** Spans with a large tag now and then. */
  RandomSpans(long seed) {
    this(seed, true);
  }

  RandomSpans(long seed, boolean largeTags) {
    this.random = new Random(seed);
    this.largeTags = largeTags;
  }

  TestSpan next() {
    TestSpan s = new TestSpan();
    s.traceIdHigh = random.nextBoolean() ? nonZero() : 0L;
    s.traceId = nonZero();
    s.spanId = nonZero();
    s.parentId = random.nextInt(3) == 0 ? 0L : nonZero();
    s.debug = random.nextInt(5) == 0;
    s.shared = random.nextInt(5) == 0;
    s.kind = SpanKind.values()[random.nextInt(SpanKind.values().length)];
    s.name = random.nextInt(10) == 0 ? "" : hostile(20);
    s.startTimestamp = pick(0L, 1L, Long.MAX_VALUE, 1_700_000_000_000_000L + random.nextInt(1 << 30));
    s.duration = pick(0L, 1L, Long.MAX_VALUE, 1L + random.nextInt(100_000_000));
    s.localEndpoint = endpoint();
    s.remoteEndpoint = random.nextInt(3) == 0 ? null : endpoint();
    Set<String> keys = new LinkedHashSet<>();
    for (int i = random.nextInt(8); i > 0; i--) keys.add(hostile(12));
    for (String key : keys) {
      s.tag(key, largeTags && random.nextInt(100) == 0 ? hostile(40_000) : hostile(30));
    }
    for (int i = random.nextInt(5); i > 0; i--) {
      s.event(pick(0L, 1L, -1L, 1_700_000_000_000_000L + random.nextInt(1 << 30)), hostile(15));
    }
    return s;
  }

  /** One of the edge values now and then, usually the typical one (the last). */
  private long pick(long a, long b, long c, long typical) {
    switch (random.nextInt(12)) {
      case 0: return a;
      case 1: return b;
      case 2: return c;
      default: return typical;
    }
  }

  private long nonZero() {
    long v;
    do {
      v = random.nextLong();
    } while (v == 0L);
    return v;
  }

  Endpoint endpoint() {
    String service = random.nextInt(6) == 0 ? null : hostile(10);
    String ip;
    switch (random.nextInt(6)) {
      case 0: ip = null; break;
      case 1: ip = "not an ip"; break;
      case 2: ip = random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256); break;
      case 3: ip = "::" + Integer.toHexString(random.nextInt(0x10000)); break;
      default: ip = ipv6(); break;
    }
    return Endpoint.of(service, ip, random.nextInt(70_000) - 1000);
  }

  private String ipv6() {
    byte[] address = new byte[16];
    random.nextBytes(address);
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** A string of up to {@code maxLength} chars, mixing every kind of character encoders trip on. */
  String hostile(int maxLength) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder b = new StringBuilder(length + 2);
    while (b.length() < length) {
      switch (random.nextInt(10)) {
        case 0: b.append((char) (0x20 + random.nextInt(0x5f))); break;
        case 1: b.append((char) (random.nextInt(9) == 0 ? 0x7f : random.nextInt(0x20))); break;
        case 2: b.append("\"\\/\u2028\u2029".charAt(random.nextInt(5))); break;
        case 3: b.append((char) (Character.MIN_HIGH_SURROGATE + random.nextInt(0x400))); break;
        case 4: b.append((char) (Character.MIN_LOW_SURROGATE + random.nextInt(0x400))); break;
        case 5: b.appendCodePoint(anyPlane()); break;
        case 6: b.append((char) (0x80 + random.nextInt(0x780))); break;
        case 7: b.appendCodePoint(bmpAbove0800()); break;
        case 8: b.append("\u0000\ufffd\ufeff\uffff".charAt(random.nextInt(4))); break;
        default: b.append((char) ('a' + random.nextInt(26))); break;
      }
    }
    return b.toString();
  }

  /** A code point of a random plane, 0 to 16, never a surrogate. */
  private int anyPlane() {
    int cp;
    do {
      cp = random.nextInt(17) << 16 | random.nextInt(0x10000);
    } while (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
    return cp;
  }

  private int bmpAbove0800() {
    int cp;
    do {
      cp = 0x800 + random.nextInt(0x10000 - 0x800);
    } while (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
    return cp;
  }

  /** {@code size} spans from {@link #next()}. */
  List<FinishedSpan> batch(int size) {
    List<FinishedSpan> batch = new ArrayList<>(size);
    for (int i = 0; i < size; i++) batch.add(next());
    return batch;
  }
}
