package io.tracelet.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * W3C Trace Context {@code tracestate} by the current text (the 2026 key grammar, duplicate keys
 * tolerated), rule by rule, with the official harness's cases among them.
 */
class W3CTracestateTest {
  static final String TRACEPARENT = "00-12345678901234567890123456789012-1234567890123456-00";

  final Propagator w3c = Propagators.w3c();

  /** The tracestate kept from the given tracestate header lines; the traceparent is always kept. */
  String extract(String... tracestates) {
    Headers headers = Headers.of("traceparent", TRACEPARENT);
    for (String tracestate : tracestates) headers.add("tracestate", tracestate);
    TraceContext c = w3c.extract(headers, Headers.GETTER);
    assertThat(c.traceIdHex()).isEqualTo("12345678901234567890123456789012");
    return c.traceState();
  }

  @Test void specExample_singleVendor() {
    assertThat(extract("rojo=00f067aa0ba902b7")).isEqualTo("rojo=00f067aa0ba902b7");
  }

  @Test void specExample_multipleVendorsKeepTheirOrder() {
    assertThat(extract("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")).isEqualTo("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  }

  @Test void aNormalHeaderIsKeptAsTheSameString() {
    String header = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";

    TraceContext c = w3c.extract(header, (h, key) -> key.equals("traceparent") ? TRACEPARENT : h);

    assertThat(c.traceState()).isSameAs(header);
  }

  @Test void multipleHeaders_areCombinedInOrder() {
    assertThat(extract("foo=1,bar=2", "rojo=1,congo=2", "baz=3")).isEqualTo("foo=1,bar=2,rojo=1,congo=2,baz=3");
  }

  @Test void emptyHeader_isAcceptedAndNotSent() {
    assertThat(extract("")).isNull();
    assertThat(extract("foo=1", "")).isEqualTo("foo=1");
    assertThat(extract("", "foo=1")).isEqualTo("foo=1");
  }

  @Test void emptyAndWhitespaceOnlyMembers_areAcceptedAndNotSent() {
    assertThat(extract("foo=1,,,bar=2")).isEqualTo("foo=1,bar=2");
    assertThat(extract(" , \t,foo=1, ")).isEqualTo("foo=1");
  }

  @Test void optionalWhitespaceAroundMembers_isIgnored() {
    assertThat(extract("foo=1 \t , \t bar=2, \t baz=3")).isEqualTo("foo=1,bar=2,baz=3");
    assertThat(extract("foo=1\t \t,\t \tbar=2,\t \tbaz=3")).isEqualTo("foo=1,bar=2,baz=3");
    assertThat(extract("\t foo=1 \t")).isEqualTo("foo=1");
  }

  @Test void value_leadingSpacesArePartOfIt() {
    assertThat(extract("foo=  1")).isEqualTo("foo=  1");
  }

  @Test void allAllowedCharacters_areKept() {
    String key = "abcdefghijklmnopqrstuvwxyz0123456789_-*/";
    StringBuilder value = new StringBuilder();
    for (char c = 0x20; c <= 0x7e; c++) if (c != ',' && c != '=') value.append(c);

    assertThat(extract(key + "=" + value)).isEqualTo(key + "=" + value);
    assertThat(extract(key + "@a-z0-9_-*/=" + value)).isEqualTo(key + "@a-z0-9_-*/=" + value);
  }

  // Key: key = ( lcalpha / DIGIT ) 0*255( keychar ),
  //      keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"

  @Test void key_beginsWithALowercaseLetterOrADigit() {
    assertThat(extract("foo=1")).isEqualTo("foo=1");
    assertThat(extract("1foo=1")).isEqualTo("1foo=1");
    assertThat(extract("0=1")).isEqualTo("0=1");
    for (String bad : new String[] {"_foo=1", "-foo=1", "*foo=1", "/foo=1", "@foo=1", "Foo=1"}) {
      assertThat(extract(bad + ",bar=2")).as(bad).isNull();
    }
  }

  @Test void key_atSignsAreKeyCharactersAnywhereAfterTheFirst() {
    for (String key : new String[] {"foo@", "foo@@bar", "foo@bar@baz", "foo@1bar", "1a2b@dt", "t@" + "v".repeat(15),
        "a@_-*/", "a_-*/@0"}) {
      assertThat(extract(key + "=1,bar=2")).as(key).isEqualTo(key + "=1,bar=2");
    }
  }

  @Test void key_otherCharactersDropTheTracestate() {
    for (String bad : new String[] {"foo =1", "FOO=1", "fOo=1", "foo.bar=1", "föo=1", "foo\u0000=1", "=1", "foo"}) {
      assertThat(extract(bad + ",bar=2")).as(bad).isNull();
    }
  }

  @Test void key_upTo256Characters() {
    assertThat(extract("foo=1", "z".repeat(256) + "=1")).isEqualTo("foo=1," + "z".repeat(256) + "=1");
    assertThat(extract("foo=1", "z".repeat(257) + "=1")).isNull();
  }

  @Test void key_atSignsCountInThe256CharactersLikeAnyOther() {
    for (String key : new String[] {"t".repeat(241) + "@" + "v".repeat(14), "t".repeat(242) + "@v", "t".repeat(255) + "@",
        "t@" + "v".repeat(254)}) {
      assertThat(extract("foo=1", key + "=1")).as(key).isEqualTo("foo=1," + key + "=1");
    }
    assertThat(extract("foo=1", "t".repeat(256) + "@=1")).isNull();
    assertThat(extract("foo=1", "t@" + "v".repeat(255) + "=1")).isNull();
  }

  // Duplicate keys: the sender must not repeat a key, and a receiver may discard duplicates, so a
  // repeated key does not make the header invalid. Tracelet keeps the first member of a key, the
  // most recent position by the mutation rules (updated keys move left), and drops the later ones.

  @Test void duplicateKeys_theFirstMemberIsKeptAndLaterOnesDropped() {
    assertThat(extract("foo=1,foo=1")).isEqualTo("foo=1");
    assertThat(extract("foo=1,foo=2")).isEqualTo("foo=1");
    assertThat(extract("foo=2,bar=3,foo=1,baz=4,bar=5")).isEqualTo("foo=2,bar=3,baz=4");
    assertThat(extract("a@b=1,c=2,a@b=3")).isEqualTo("a@b=1,c=2");
    assertThat(extract(" foo=1 ,\tfoo=2 , bar=3")).isEqualTo("foo=1,bar=3");
  }

  @Test void duplicateKeys_acrossCombinedHeaders() {
    assertThat(extract("foo=1", "foo=1")).isEqualTo("foo=1");
    assertThat(extract("foo=1", "foo=2")).isEqualTo("foo=1");
    assertThat(extract("rojo=1,congo=2", "", "congo=3,baz=4")).isEqualTo("rojo=1,congo=2,baz=4");
  }

  @Test void duplicateKeys_keysThatMerelyLookAlikeAreKept() {
    // Same length and last character (one bucket of the quick check) or a prefix of each other.
    assertThat(extract("ab=1,bb=2,b=3,abb=4,a@b=5,ab@=6")).isEqualTo("ab=1,bb=2,b=3,abb=4,a@b=5,ab@=6");
  }

  @Test void duplicateKeys_countTowardThe32MembersReceived() {
    String withDuplicate = members(1, 31) + ",bar01=99";
    assertThat(extract(withDuplicate)).isEqualTo(members(1, 31));
    assertThat(extract(members(1, 32) + ",bar01=99")).isNull();
  }

  @Test void duplicateKeys_areDroppedBeforeTheLengthIsMeasured() {
    String value = "v".repeat(120);
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 4; i++) members.add("k" + i + "=" + value + "ab"); // 125 characters each
    String kept = String.join(",", members); // 503 characters

    assertThat(extract(kept + "," + members.get(0))).isEqualTo(kept);
  }

  @Test void value_illegalCharactersDropTheTracestate() {
    assertThat(extract("foo=bar=baz")).isNull();
    assertThat(extract("foo=a\tb")).isNull();
    assertThat(extract("foo=é")).isNull();
    assertThat(extract("foo=\u0001")).isNull();
  }

  @Test void value_mustNotBeEmpty() {
    assertThat(extract("foo=,bar=3")).isNull();
    assertThat(extract("foo= ")).isNull();
    assertThat(extract("foo")).isNull();
  }

  @Test void value_upTo256Characters() {
    assertThat(extract("foo=" + "v".repeat(256))).isEqualTo("foo=" + "v".repeat(256));
    assertThat(extract("foo=" + "v".repeat(257))).isNull();
  }

  @Test void memberCount_atMost32() {
    assertThat(extract(members(1, 10), members(11, 20), members(21, 30), members(31, 32)))
        .isEqualTo(members(1, 32));
    assertThat(extract(members(1, 10), members(11, 20), members(21, 30), members(31, 33))).isNull();
  }

  @Test void emptyMembers_doNotCountTowardTheLimit() {
    assertThat(extract(members(1, 32) + ",,")).isEqualTo(members(1, 32));
  }

  @Test void truncation_longerThan512DropsMembersOver128CharactersFirst() {
    String big = "big=" + "x".repeat(200); // 204 characters
    String list = "a=" + "y".repeat(60) + "," + members(1, 20) + "," + big + "," + members(21, 30);
    assertThat(list.length()).isEqualTo(537); // 32 members

    String kept = extract(list);

    assertThat(kept).isEqualTo(list.replace("," + big, "")).hasSizeLessThanOrEqualTo(512);
  }

  @Test void truncation_thenDropsMembersFromTheEnd() {
    String value = "v".repeat(120); // members of 127 characters: none is "long"
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 6; i++) members.add("k" + i + "=" + value + "abcd".substring(0, 2));
    String list = String.join(",", members); // 6 * 125 + 5 = 755

    String kept = extract(list);

    assertThat(kept).isEqualTo(String.join(",", members.subList(0, 4))); // 4 * 125 + 3 = 503
  }

  @Test void invalidTracestate_isDroppedWhileTraceparentIsKept() {
    TraceContext c = w3c.extract(Headers.of("traceparent", TRACEPARENT, "tracestate", "FOO=1"), Headers.GETTER);

    assertThat(c.traceIdHex()).isEqualTo("12345678901234567890123456789012");
    assertThat(c.traceState()).isNull();
  }

  @Test void absurdlyLongHeader_isDropped() {
    assertThat(extract("foo=1" + " ".repeat(40_000))).isNull();
  }

  @Test void inject_sendsTheTracestateWithTheTraceparent() {
    TraceContext c = w3c.extract(Headers.of("traceparent", TRACEPARENT, "tracestate", "foo=1 , bar=2"), Headers.GETTER);
    Headers out = new Headers();

    w3c.inject(c, out, Headers.SETTER);

    assertThat(out.all("tracestate")).containsExactly("foo=1,bar=2");
  }

  @Test void inject_truncatesALongTracestateSetByHand() {
    String value = "v".repeat(200);
    TraceContext c = TraceContext.newBuilder().traceId(0L, 1L).spanId(2L)
        .traceState("a=" + value + ",b=" + value + ",c=" + value).build();
    Headers out = new Headers();

    w3c.inject(c, out, Headers.SETTER);

    assertThat(out.get("tracestate")).isEqualTo("a=" + value + ",b=" + value);
  }

  static String members(int from, int to) {
    StringBuilder result = new StringBuilder();
    for (int i = from; i <= to; i++) {
      if (result.length() > 0) result.append(',');
      result.append(String.format("bar%02d=%02d", i, i));
    }
    return result.toString();
  }
}
