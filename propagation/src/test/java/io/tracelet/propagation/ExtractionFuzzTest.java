package io.tracelet.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tracelet.Baggage;
import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A million hostile header values (valid ones mutated: truncated, overlong, non-ASCII, control
 * characters, repeated, huge) through every extractor: none may throw, and what comes out must be
 * within the formats' limits and survive being sent on unchanged. The same for the
 * {@code server-timing} trace metric's parser.
 */
class ExtractionFuzzTest {
  static final int VALUES = 1_000_000;

  static final Propagator[] EXTRACTORS = {Propagators.b3(), Propagators.b3Single(), Propagators.w3c(),
      Propagators.baggage(), Propagators.w3cThenB3()};
  static final Propagator ALL = Propagators.composite(Propagators.w3c(), Propagators.b3(),
      Propagators.b3Single(), Propagators.baggage());
  static final String[] KEYS = ALL.keys().toArray(new String[0]);

  final long seed = System.nanoTime();
  final Random random = new Random(seed);
  final RandomContexts contexts = new RandomContexts(seed);

  @Test void everyExtractorSurvivesHostileValues() {
    Map<String, String> valid = new HashMap<>();
    int extracted = 0;
    for (int i = 0; i < VALUES; i++) {
      if (i % 32 == 0) {
        valid.clear();
        ALL.inject(contexts.next(), valid, Map::put);
      }
      String key = KEYS[random.nextInt(KEYS.length)];
      String value = random.nextInt(50) == 0 ? null : mutate(valid.get(key));
      // The other headers stay valid, so that a mutated tracestate or X-B3 field is really read;
      // valid baggage is left out unless it is the mutated one, as parsing it again proves nothing.
      Propagator.Getter<Map<String, String>> getter = (carrier, k) ->
          k.equals(key) ? value : k.equals("baggage") ? null : carrier.get(k);

      for (Propagator extractor : EXTRACTORS) {
        TraceContext context;
        try {
          context = extractor.extract(valid, getter);
        } catch (RuntimeException e) {
          throw new AssertionError(describe(extractor, key, value), e);
        }
        if (context == null) continue;
        extracted++;
        checkWithinLimits(context, extractor, key, value);
        if (extractor.keys().contains(key)) checkSentOnUnchanged(context, extractor, key, value);
      }
    }
    assertThat(extracted).as("some mutated values are still valid").isGreaterThan(VALUES / 10);
  }

  @Test void serverTimingParseSurvivesHostileValues() {
    int parsed = 0;
    for (int i = 0; i < VALUES / 4; i++) {
      TraceContext c = contexts.next();
      String metric = ServerTiming.format(c, random.nextBoolean());
      String valid = metric == null || random.nextBoolean() ? metric : "db;dur=53, " + metric + ";dur=1.5, cache;desc=\"hit\"";
      String value = mutate(valid);
      ServerTiming result;
      try {
        result = ServerTiming.parse(value);
      } catch (RuntimeException e) {
        throw new AssertionError(describe(value), e);
      }
      if (result == null) continue;
      parsed++;
      boolean escaped = value.indexOf('\\') >= 0; // a quoted-pair may stand in the IDs
      if (!result.equals(ServerTiming.parse(result.toString())) || !(escaped || value.contains(result.spanIdHex()))) {
        fail(result + ": " + describe(value));
      }
    }
    assertThat(parsed).as("some mutated values are still valid").isGreaterThan(VALUES / 40);
  }

  // Plain checks with the description built only on failure: the loop runs millions of times.
  void checkWithinLimits(TraceContext c, Propagator extractor, String key, String value) {
    if (c.hasIds() && (c.traceId() == 0L || c.spanId() == 0L)) fail("IDs: " + describe(extractor, key, value));
    String traceState = c.traceState();
    if (traceState != null && (traceState.length() > 512 || traceState.split(",", -1).length > 32
        || TraceState.normalize(traceState) != traceState)) {
      fail("tracestate " + traceState + ": " + describe(extractor, key, value));
    }
    Baggage baggage = c.baggage();
    int chars = 0;
    for (int i = 0; i < baggage.size(); i++) {
      String metadata = baggage.metadata(i);
      chars += baggage.name(i).length() + baggage.value(i).length() + (metadata == null ? 0 : metadata.length());
    }
    if (baggage.size() > 64 || chars > 8192) fail("baggage " + baggage + ": " + describe(extractor, key, value));
  }

  /** What was extracted, injected and extracted again, is what the next hop sends too. */
  void checkSentOnUnchanged(TraceContext c, Propagator extractor, String key, String value) {
    TraceContext once = roundTrip(extractor, c);
    if (once == null || !once.equals(roundTrip(extractor, once))) {
      fail("round trip of " + c + ": " + describe(extractor, key, value));
    }
  }

  static TraceContext roundTrip(Propagator propagator, TraceContext context) {
    Map<String, String> carrier = new HashMap<>();
    propagator.inject(context, carrier, Map::put);
    return propagator.extract(carrier, Map::get);
  }

  String describe(Propagator extractor, String key, String value) {
    return extractor + " " + key + ": " + describe(value);
  }

  String describe(String value) {
    String shown = value == null ? "null" : value.length() > 300 ? value.substring(0, 300) + "...(" + value.length() + ")" : value;
    return shown + " (seed " + seed + ")";
  }

  /** One to three mutations of {@code valid} (which may be null: the header was not sent). */
  String mutate(String valid) {
    String value = valid == null || random.nextInt(20) == 0 ? randomText(random.nextInt(80)) : valid;
    for (int n = random.nextInt(4); n > 0; n--) value = mutateOnce(value);
    return value;
  }

  String mutateOnce(String v) {
    int at = v.isEmpty() ? 0 : random.nextInt(v.length());
    switch (random.nextInt(11)) {
      case 0:
        return v.substring(0, at); // truncated
      case 1:
        return v + randomText(1 + random.nextInt(20)); // overlong
      case 2:
        return v.isEmpty() ? v : v.substring(0, at) + randomChar() + v.substring(at + 1);
      case 3:
        return v.substring(0, at) + randomChar() + v.substring(at);
      case 4:
        return v + "," + v; // a repeated header, joined
      case 5:
        return random.nextBoolean() ? v.toUpperCase() : " \t" + v + "\t ";
      case 6:
        return v.isEmpty() ? v : v.substring(0, at) + v.substring(at + 1);
      case 7:
        return manyMembers(v);
      case 8:
        return random.nextInt(100) == 0 ? v.repeat(1 + 100_000 / (v.length() + 1)) : v; // huge
      case 9:
        return v.replace('-', "=,;%@".charAt(random.nextInt(5)));
      default:
        return v.substring(0, at) + "%" + randomChar() + v.substring(at);
    }
  }

  /** The value as a list with many more members: valid copies, near-misses and empties. */
  String manyMembers(String v) {
    StringBuilder result = new StringBuilder(v);
    for (int i = random.nextInt(80); i > 0; i--) { // past 32 tracestate and 64 baggage members
      result.append(random.nextInt(5) == 0 ? ", " : ",");
      switch (random.nextInt(4)) {
        case 0:
          result.append("k").append(i).append('=').append(i);
          break;
        case 1:
          result.append(contexts.chars(RandomContexts.KEY_CHARS + "@=", 1 + random.nextInt(30)));
          break;
        case 2:
          result.append("k").append(i).append('=').append(randomText(random.nextInt(random.nextInt(20) == 0 ? 300 : 30)));
          break;
        default:
          break; // empty member
      }
    }
    return result.toString();
  }

  String randomText(int length) {
    StringBuilder result = new StringBuilder(length);
    for (int i = 0; i < length; i++) result.append(randomChar());
    return result.toString();
  }

  char randomChar() {
    switch (random.nextInt(6)) {
      case 0:
        return "0123456789abcdef".charAt(random.nextInt(16));
      case 1:
        return "-,;=@% \t".charAt(random.nextInt(8));
      case 2:
        return (char) random.nextInt(0x20); // control characters
      case 3:
        return (char) (0x80 + random.nextInt(0xff80)); // non-ASCII, lone surrogates included
      default:
        return (char) (0x20 + random.nextInt(0x5f));
    }
  }
}
