package io.tracelet.reporter.zipkin;

import static io.tracelet.reporter.zipkin.ZipkinModel.Format.JSON;
import static io.tracelet.reporter.zipkin.ZipkinModel.Format.PROTO3;
import static io.tracelet.reporter.zipkin.ZipkinModel.expected;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Endpoint;
import io.tracelet.SpanKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;

class SpanEncoderTest {
  static SpanEncoder encoder(ZipkinModel.Format format) {
    return format == JSON ? SpanEncoder.json() : SpanEncoder.proto3();
  }

  static SpanBytesDecoder decoder(ZipkinModel.Format format) {
    return format == JSON ? SpanBytesDecoder.JSON_V2 : SpanBytesDecoder.PROTO3;
  }

  /**
   * Decodes with Zipkin's decoder from a direct buffer: decoding JSON from a {@code byte[]}, Zipkin
   * 3.6.0 garbles a character whose UTF-8 bytes straddle an 8 KiB boundary (see
   * {@link #zipkinsArrayJsonDecoderGarblesCharactersAcross8KiB}).
   */
  static Span decodeOne(ZipkinModel.Format format, byte[] bytes) {
    return decoder(format).decodeOne(direct(bytes));
  }

  static List<Span> decodeList(ZipkinModel.Format format, byte[] bytes) {
    return decoder(format).decodeList(direct(bytes));
  }

  private static ByteBuffer direct(byte[] bytes) {
    return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
  }

  @ParameterizedTest @EnumSource(ZipkinModel.Format.class)
  void randomHostileSpansDecodeToExactlyTheExpectedSpan(ZipkinModel.Format format) {
    RandomSpans random = new RandomSpans(format.ordinal() * 7919L + 1);
    SpanEncoder encoder = encoder(format); // one encoder for all: its buffer is reused throughout
    for (int i = 0; i < 2000; i++) {
      TestSpan span = random.next();
      byte[] bytes = encoder.encode(span);
      SpanDiff.assertSame(decodeOne(format, bytes), expected(span, format), "span " + i);
    }
  }

  @Test void asciiJsonIsSevenBitAndDecodesToExactlyTheExpectedSpan() {
    RandomSpans random = new RandomSpans(99);
    SpanEncoder ascii = new SpanEncoder(new JsonSpanWriter(true));
    for (int i = 0; i < 1000; i++) {
      TestSpan span = random.next();
      byte[] bytes = ascii.encode(span);
      for (byte b : bytes) assertThat(b).as("span %s", i).isNotNegative();
      // from a byte[], as the Zipkin server decodes: ASCII has nothing to garble
      SpanDiff.assertSame(SpanBytesDecoder.JSON_V2.decodeOne(bytes), expected(span, JSON), "span " + i);
    }
  }

  @ParameterizedTest @EnumSource(ZipkinModel.Format.class)
  void randomListsDecodeToExactlyTheExpectedSpans(ZipkinModel.Format format) {
    RandomSpans random = new RandomSpans(format.ordinal() * 104729L + 3);
    SpanEncoder encoder = encoder(format);
    for (int i = 0; i < 200; i++) {
      List<TestSpan> spans = new ArrayList<>();
      List<Span> expected = new ArrayList<>();
      for (int n = i % 20; n > 0; n--) {
        TestSpan span = random.next();
        spans.add(span);
        expected.add(expected(span, format));
      }
      List<Span> decoded = decodeList(format, encoder.encodeList(spans));
      assertThat(decoded).as("list %s", i).hasSameSizeAs(expected);
      for (int j = 0; j < decoded.size(); j++) {
        SpanDiff.assertSame(decoded.get(j), expected.get(j), "list " + i + " span " + j);
      }
    }
  }

  @Test void emptyListIsAnEmptyJsonArrayAndNoProto3Bytes() {
    assertThat(new String(SpanEncoder.json().encodeList(List.of()), UTF_8)).isEqualTo("[]");
    assertThat(SpanEncoder.proto3().encodeList(List.of())).isEmpty();
    assertThat(SpanBytesDecoder.JSON_V2.decodeList(SpanEncoder.json().encodeList(List.of()))).isEmpty();
  }

  @ParameterizedTest @EnumSource(ZipkinModel.Format.class)
  void everyPlaneRoundTrips(ZipkinModel.Format format) {
    StringBuilder all = new StringBuilder();
    for (int plane = 0; plane <= 16; plane++) {
      all.appendCodePoint(plane << 16 | 0x0041).appendCodePoint(plane << 16 | 0xfffd);
    }
    all.appendCodePoint(Character.MAX_CODE_POINT);
    TestSpan span = new TestSpan();
    span.name = all.toString();
    span.tag(all.toString(), all.toString()).event(1L, all.toString());
    span.localEndpoint = Endpoint.of(all.toString(), "10.0.0.1", 8080);

    Span decoded = decodeOne(format, encoder(format).encode(span));

    assertThat(decoded.tags()).containsEntry(all.toString(), all.toString());
    assertThat(decoded.annotations().get(0).value()).isEqualTo(all.toString());
    assertThat(decoded).isEqualTo(expected(span, format));
  }

  @ParameterizedTest @EnumSource(ZipkinModel.Format.class)
  void loneSurrogatesBecomeTheReplacementCharacterAndPairsStayWhole(ZipkinModel.Format format) {
    TestSpan span = new TestSpan().tag("k", "a\ud800b\udc00c\ud83d\ude00d\ud83d");

    byte[] bytes = encoder(format).encode(span);

    assertThat(decodeOne(format, bytes).tags())
        .containsEntry("k", "a\ufffdb\ufffdc\ud83d\ude00d\ufffd");
  }

  @Test void asciiJsonEscapesEveryNonAsciiCharPairsAsPairs() {
    TestSpan span = new TestSpan().tag("k", "é\u20ac\ud83d\ude00\ud800\u2028\"");

    String json = new String(new SpanEncoder(new JsonSpanWriter(true)).encode(span), UTF_8);

    assertThat(json).contains("\"k\":\"\\u00e9\\u20ac\\ud83d\\ude00\\ufffd\\u2028\\\"\"");
  }

  @Test void jsonEscapesQuotesBackslashesControlCharactersAndLineSeparators() {
    TestSpan span = new TestSpan().tag("k", "\"\\\n\r\t\b\f\u0000\u001f\u007f\u2028\u2029/");

    String json = new String(SpanEncoder.json().encode(span), UTF_8);

    assertThat(json).contains("\"tags\":{\"k\":\"\\\"\\\\\\n\\r\\t\\b\\f\\u0000\\u001f\u007f\\u2028\\u2029/\"}");
    assertThat(json.chars()).noneMatch(c -> c < 0x20 || c == 0x2028 || c == 0x2029);
  }

  @ParameterizedTest @EnumSource(ZipkinModel.Format.class)
  void internalKindIsLeftOutAndOtherKindsKept(ZipkinModel.Format format) {
    for (SpanKind kind : SpanKind.values()) {
      TestSpan span = new TestSpan();
      span.kind = kind;
      Span decoded = decodeOne(format, encoder(format).encode(span));
      assertThat(decoded.kind()).isEqualTo(kind == SpanKind.INTERNAL ? null : Span.Kind.valueOf(kind.name()));
    }
  }

  @ParameterizedTest @EnumSource(ZipkinModel.Format.class)
  void traceIdsKeepTheirWidth(ZipkinModel.Format format) {
    TestSpan span = new TestSpan();
    span.traceId = 0x0123456789abcdefL;
    assertThat(decodeOne(format, encoder(format).encode(span)).traceId())
        .isEqualTo("0123456789abcdef");
    span.traceIdHigh = 0xfedcba9876543210L;
    assertThat(decodeOne(format, encoder(format).encode(span)).traceId())
        .isEqualTo("fedcba98765432100123456789abcdef");
  }

  /** Lengths around each varint size move proto3 content after its length prefix is known. */
  @ParameterizedTest @ValueSource(ints = {0, 1, 127, 128, 129, 16_383, 16_384, 2_097_151, 2_097_152, 5_000_000})
  void largeAndBoundarySizedTagsRoundTrip(int length) {
    String value = "x".repeat(length);
    String serviceName = "s".repeat(Math.min(length, 300)); // a long service name: a long endpoint
    for (ZipkinModel.Format format : ZipkinModel.Format.values()) {
      TestSpan span = new TestSpan().tag("big", value).tag("after", "é");
      span.localEndpoint = Endpoint.of(serviceName, "::1", 1);
      Span decoded = decodeOne(format, encoder(format).encode(span));
      assertThat(decoded.tags().get("big")).as(format.name()).hasSize(length);
      SpanDiff.assertSame(decoded, expected(span, format), format.name());
    }
  }

  @ParameterizedTest @EnumSource(ZipkinModel.Format.class)
  void sharedLocalEndpointIsEncodedRightWhenItRepeatsAndWhenItChanges(ZipkinModel.Format format) {
    Endpoint a = Endpoint.of("frontend", "192.168.1.2", 8080);
    Endpoint b = Endpoint.of("backend", "2001:db8::1", 9000);
    SpanEncoder encoder = encoder(format);
    for (Endpoint local : List.of(a, a, b, a, b, b, Endpoint.of("frontend", "192.168.1.2", 8080))) {
      TestSpan span = new TestSpan();
      span.localEndpoint = local;
      assertThat(decodeOne(format, encoder.encode(span)).localEndpoint())
          .isEqualTo(ZipkinModel.endpoint(local, format));
    }
  }

  /**
   * Tag keys, event names and remote service names go through the writer's cache of strings that
   * recur by identity: with more of them than it holds (so entries are evicted), hostile ones and
   * ones of about an entry's size, equal copies that are other objects, and the same span encoded
   * again after others, every encoding must be the bytes a fresh encoder (an empty cache) writes.
   */
  @Test void stringsRepeatedByIdentityEncodeAsByAFreshEncoder() {
    RandomSpans random = new RandomSpans(7);
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < 600; i++) pool.add(i % 3 == 0 ? random.hostile(70) : "key." + i);
    for (int length : new int[] {10, 21, 22, 62, 63, 64, 65, 100}) {
      pool.add("k".repeat(length));
      pool.add("é".repeat(length / 2)); // two UTF-8 bytes each; in ASCII JSON a 6-byte escape
      pool.add("\"".repeat(length / 2));
    }
    java.util.Random pick = new java.util.Random(8);
    List<java.util.function.Supplier<SpanEncoder>> kinds =
        List.of(SpanEncoder::json, SpanEncoder::proto3, () -> new SpanEncoder(new JsonSpanWriter(true)));
    for (java.util.function.Supplier<SpanEncoder> kind : kinds) {
      SpanEncoder encoder = kind.get();
      List<TestSpan> spans = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        TestSpan span = new TestSpan();
        for (int t = pick.nextInt(12); t > 0; t--) {
          String key = pool.get(pick.nextInt(pool.size()));
          if (!span.tagKeys.contains(key)) span.tag(pick.nextBoolean() ? key : new String(key), "v");
        }
        for (int e = pick.nextInt(3); e > 0; e--) span.event(1L + e, pool.get(pick.nextInt(pool.size())));
        span.remoteEndpoint = Endpoint.of(pool.get(pick.nextInt(pool.size())), "10.0.0.1", 80);
        spans.add(span);
        spans.add(spans.get(pick.nextInt(spans.size()))); // an earlier span again
      }
      for (TestSpan span : spans) {
        assertThat(encoder.encode(span)).as(encoder.toString()).isEqualTo(kind.get().encode(span));
      }
    }
  }

  @ParameterizedTest @EnumSource(ZipkinModel.Format.class)
  void encodingToAStreamWritesTheSameBytes(ZipkinModel.Format format) throws IOException {
    RandomSpans random = new RandomSpans(42);
    SpanEncoder encoder = encoder(format);
    for (int i = 0; i < 50; i++) {
      TestSpan span = random.next();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int written = encoder.encode(span, out);
      assertThat(out.toByteArray()).hasSize(written).isEqualTo(encoder.encode(span));
    }
  }

  /**
   * Zipkin's {@code ReadBuffer} (an {@code InputStream} over the array) ignores the offset that
   * {@code InputStreamReader} passes to {@code read(byte[], int, int)} after carrying a partial
   * UTF-8 sequence over. Should this start failing, Zipkin fixed it and the direct buffers above
   * can go.
   */
  @Test void zipkinsArrayJsonDecoderGarblesCharactersAcross8KiB() {
    TestSpan span = new TestSpan();
    span.name = "a" + "é".repeat(6000); // after 63 bytes of JSON, an é takes bytes 8191 and 8192
    byte[] json = SpanEncoder.json().encode(span);

    assertThat(decodeOne(JSON, json).name()).isEqualTo(span.name);
    assertThat(SpanBytesDecoder.JSON_V2.decodeOne(json).name()).isNotEqualTo(span.name);
  }

  @Test void ipv6TextParsesInFullAndShortenedForms() {
    int[] groups = new int[8];
    assertThat(Proto3SpanWriter.parseIpv6("2001:db8:0:0:0:0:0:1", groups)).isTrue();
    assertThat(groups).containsExactly(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
    assertThat(Proto3SpanWriter.parseIpv6("2001:DB8::1", groups)).isTrue();
    assertThat(groups).containsExactly(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
    assertThat(Proto3SpanWriter.parseIpv6("::", groups)).isTrue();
    assertThat(groups).containsOnly(0);
    assertThat(Proto3SpanWriter.parseIpv6("fe80::", groups)).isTrue();
    assertThat(groups).containsExactly(0xfe80, 0, 0, 0, 0, 0, 0, 0);
    assertThat(Proto3SpanWriter.parseIpv6("::ffff:1", groups)).isTrue();
    assertThat(groups).containsExactly(0, 0, 0, 0, 0, 0, 0xffff, 1);
    for (String bad : List.of("", ":", ":::", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4::5:6:7:8", "12345::", "g::", "::1.2.3.4", "1:2:3:4:5:6:7:8%eth0", "\u0661::")) {
      assertThat(Proto3SpanWriter.parseIpv6(bad, groups)).as(bad).isFalse();
    }
  }
}
