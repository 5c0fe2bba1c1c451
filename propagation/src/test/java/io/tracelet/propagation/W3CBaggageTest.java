package io.tracelet.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Baggage;
import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import org.junit.jupiter.api.Test;

/** W3C Baggage ({@code baggage} header), rule by rule. */
class W3CBaggageTest {
  final Propagator baggage = Propagators.baggage();

  Baggage extract(String... headers) {
    Headers carrier = new Headers();
    for (String header : headers) carrier.add("baggage", header);
    TraceContext c = baggage.extract(carrier, Headers.GETTER);
    if (c == null) return null;
    assertThat(c.hasIds()).isFalse();
    return c.baggage();
  }

  String inject(Baggage entries) {
    Headers headers = new Headers();
    baggage.inject(TraceContext.newBuilder().baggage(entries).build(), headers, Headers.SETTER);
    return headers.get("baggage");
  }

  @Test void specExample_propertiesAndWhitespace() {
    Baggage b = extract("key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue");

    assertThat(b.size()).isEqualTo(3);
    assertThat(b.name(0)).isEqualTo("key1");
    assertThat(b.value(0)).isEqualTo("value1");
    assertThat(b.metadata(0)).isEqualTo("property1;property2");
    assertThat(b.name(1)).isEqualTo("key2");
    assertThat(b.value(1)).isEqualTo("value2");
    assertThat(b.metadata(1)).isNull();
    assertThat(b.metadata(2)).isEqualTo("propertyKey=propertyValue");
  }

  @Test void specExample_percentEncodedValueRoundTrips() {
    String header = "userId=alice,serverNode=DF%2028,isProduction=false";
    Baggage b = extract(header);

    assertThat(b.asMap()).containsExactly(
        entry("userId", "alice"), entry("serverNode", "DF 28"), entry("isProduction", "false"));
    assertThat(inject(b)).isEqualTo(header);
  }

  @Test void specExample_splitIntoMultipleHeaders() {
    assertThat(extract("userId=alice", "serverNode=DF%2028,isProduction=false").asMap())
        .containsExactly(entry("userId", "alice"), entry("serverNode", "DF 28"), entry("isProduction", "false"));
  }

  @Test void specExample_namesAndValuesMayHaveSpacesAround() {
    assertThat(extract("userId =   alice", "serverNode = DF%2028, isProduction = false").asMap())
        .containsExactly(entry("userId", "alice"), entry("serverNode", "DF 28"), entry("isProduction", "false"));
  }

  @Test void value_mayContainEqualsSigns() {
    assertThat(extract("k=a=b==").get("k")).isEqualTo("a=b==");
  }

  @Test void value_mayBeEmpty() {
    assertThat(extract("k=,j=1").asMap()).containsExactly(entry("k", ""), entry("j", "1"));
  }

  @Test void value_percentEncodingCarriesAnyUtf8BothWays() {
    String value = "caf\u00e9 \u2603 \ud83d\ude00 100% \"q\" a,b;c\\d";
    Baggage b = Baggage.empty().with("text", value);

    String header = inject(b);

    assertThat(header).isEqualTo(
        "text=caf%C3%A9%20%E2%98%83%20%F0%9F%98%80%20100%25%20%22q%22%20a%2Cb%3Bc%5Cd");
    assertThat(extract(header).get("text")).isEqualTo(value);
  }

  @Test void value_escapesInEitherCaseAreDecoded() {
    assertThat(extract("k=%c3%a9%C3%A9").get("k")).isEqualTo("\u00e9\u00e9");
  }

  @Test void value_bytesThatAreNotUtf8BecomeTheReplacementCharacter() {
    assertThat(extract("k=a%FFb").get("k")).isEqualTo("a\ufffdb");
  }

  @Test void malformedMembers_areSkippedAndTheOthersKept() {
    for (String bad : new String[] {"noequals", "=v", "k=v v", "k=\"q\"", "k=v;", "k=v;;p", "k=v;=p",
        "k\u00e9=v", "k=\u00e9", "k=%", "k=%4", "k=%zz", "k=a\tb", "k=v\u0000"}) {
      assertThat(extract("a=1," + bad + ",b=2").asMap()).as(bad)
          .containsExactly(entry("a", "1"), entry("b", "2"));
    }
  }

  @Test void noValidMember_extractsNothing() {
    assertThat(extract("garbage")).isNull();
    assertThat(extract("")).isNull();
    assertThat(baggage.extract(new Headers(), Headers.GETTER)).isNull();
  }

  @Test void duplicateKeys_theLastValueWins() {
    assertThat(extract("k=1,j=2,k=3").asMap()).containsExactly(entry("k", "3"), entry("j", "2"));
  }

  @Test void properties_areKeptVerbatimAndSentBack() {
    Baggage b = extract("k=v ; p1 ; p2 = x;p3=");

    assertThat(b.metadata(0)).isEqualTo("p1 ; p2 = x;p3=");
    assertThat(inject(b)).isEqualTo("k=v;p1 ; p2 = x;p3=");
  }

  @Test void limits_atMost64MembersAreKept() {
    StringBuilder header = new StringBuilder();
    for (int i = 0; i < 70; i++) header.append(i == 0 ? "" : ",").append("k").append(i).append("=").append(i);

    Baggage b = extract(header.toString());

    assertThat(b.size()).isEqualTo(64);
    assertThat(b.name(63)).isEqualTo("k63");
  }

  @Test void limits_membersPast8192CharactersAreDropped() {
    String value = "v".repeat(1000);
    StringBuilder header = new StringBuilder();
    for (int i = 0; i < 10; i++) header.append(i == 0 ? "" : ",").append("k").append(i).append("=").append(value);

    Baggage b = extract(header.toString());

    assertThat(b.size()).isEqualTo(8); // 8 * 1002 fits in 8192, 9 do not
  }

  @Test void inject_staysWithin8192Bytes() {
    Baggage b = Baggage.empty();
    for (int i = 0; i < 10; i++) b = b.with("k" + i, "\u00e9".repeat(300)); // each encodes to 1800 bytes

    String header = inject(b);

    assertThat(header.length()).isLessThanOrEqualTo(8192);
    assertThat(extract(header).size()).isEqualTo(4);
  }

  @Test void inject_skipsEntriesThatCannotBeWritten() {
    Baggage b = Baggage.empty().with("ok", "1").with("bad name", "2").with("meta", "3", "a,b").with("last", "4");

    assertThat(inject(b)).isEqualTo("ok=1,last=4");
  }

  @Test void inject_writesNothingForNoBaggage() {
    assertThat(inject(Baggage.empty())).isNull();
    assertThat(inject(Baggage.empty().with("bad name", "1"))).isNull();
  }

  @Test void headerNameIsLowercase() {
    assertThat(baggage.keys()).containsExactly("baggage");
  }

  static java.util.Map.Entry<String, String> entry(String k, String v) {
    return java.util.Map.entry(k, v);
  }
}
