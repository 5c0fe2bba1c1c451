package io.tracelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.internal.InternalAccess;
import org.junit.jupiter.api.Test;

class EndpointTest {
  @Test void ipv4Literal() {
    Endpoint e = Endpoint.of("Frontend", "192.168.0.1", 8080);
    assertThat(e.serviceName()).isEqualTo("frontend");
    assertThat(e.ipv4()).isEqualTo("192.168.0.1");
    assertThat(InternalAccess.ipv4AsInt(e)).isEqualTo(0xc0a80001);
    assertThat(e.ipv6()).isNull();
    assertThat(e.port()).isEqualTo(8080);
  }

  @Test void aCanonicalIpv4LiteralIsKeptAsItIsAndOthersAreNormalized() {
    String ip = "10.0.0.1";
    assertThat(Endpoint.of(null, ip, 0).ipv4()).isSameAs(ip);
    assertThat(InternalAccess.ipv4AsInt(Endpoint.of(null, "255.255.255.255", 0))).isEqualTo(0xffffffff);
    assertThat(InternalAccess.ipv4AsInt(Endpoint.of(null, "0.0.0.0", 0))).isZero();
    assertThat(Endpoint.of(null, "0.0.0.0", 0).ipv4()).isEqualTo("0.0.0.0");
    Endpoint leadingZeros = Endpoint.of(null, "010.001.000.200", 0);
    assertThat(leadingZeros.ipv4()).isEqualTo("10.1.0.200");
    assertThat(InternalAccess.ipv4AsInt(leadingZeros)).isEqualTo(0x0a0100c8);
  }

  @Test void ipv6LiteralWithOrWithoutBracketsAndZone() {
    assertThat(Endpoint.of(null, "::1", 0).ipv6()).isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(Endpoint.of(null, "[2001:db8::1]", 0).ipv6()).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(Endpoint.of(null, "fe80::1%1", 0).ipv6()).isEqualTo("fe80:0:0:0:0:0:0:1");
  }

  @Test void ipv4MappedIpv6BecomesIpv4() {
    assertThat(Endpoint.of(null, "::ffff:10.1.2.3", 0).ipv4()).isEqualTo("10.1.2.3");
    assertThat(InternalAccess.ipv4AsInt(Endpoint.of(null, "::ffff:10.1.2.3", 0))).isEqualTo(0x0a010203);
    assertThat(InternalAccess.ipv4AsInt(Endpoint.of(null, "2001:db8::1", 0))).isZero();
  }

  @Test void hostNamesAndGarbageAreDroppedNeverResolved() {
    for (String notAnIp : new String[] {"example.com", "localhost", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3",
        ":::", "[::1", "", "x".repeat(100), "１.２.３.４"}) {
      Endpoint e = Endpoint.of("svc", notAnIp, 1);
      assertThat(e.ipv4()).as(notAnIp).isNull();
      assertThat(e.ipv6()).as(notAnIp).isNull();
    }
  }

  @Test void portOutOfRangeIsUnknown() {
    assertThat(Endpoint.of("s", null, 70000).port()).isZero();
    assertThat(Endpoint.of("s", null, -1).port()).isZero();
  }

  @Test void emptyOnlyWhenNothingIsKnown() {
    assertThat(Endpoint.of("db", null, 5432).isEmpty()).isFalse();
    assertThat(Endpoint.of(null, null, 0).isEmpty()).isTrue();
  }
}
