package io.tracelet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/**
 * A network peer as Zipkin models it: service name, IPv4 and/or IPv6 address, and port.
 *
 * <p>Immutable and thread-safe. Every part is optional: null strings, port 0. An IP is kept only
 * when it is an IP literal; a host name is dropped rather than resolved, because resolving it
 * could block the caller on DNS.
 */
public final class Endpoint {
  static {
    CoreAccess.install();
  }

  private final String serviceName;
  private final String ipv4;
  private final int ipv4AsInt;
  private final String ipv6;
  private final int port;

  private Endpoint(String serviceName, String ipv4, int ipv4AsInt, String ipv6, int port) {
    this.serviceName = serviceName;
    this.ipv4 = ipv4;
    this.ipv4AsInt = ipv4AsInt;
    this.ipv6 = ipv6;
    this.port = port;
  }

  /**
   * An endpoint. {@code serviceName} is lowercased as Zipkin expects (null or empty: none);
   * {@code ip} is an IPv4 or IPv6 literal, or null (anything else is ignored: for an
   * {@link InetAddress}, pass {@code getHostAddress()}); {@code port} outside 1..65535 means
   * unknown.
   */
  public static Endpoint of(String serviceName, String ip, int port) {
    String name = serviceName == null || serviceName.isEmpty() ? null : serviceName.toLowerCase(Locale.ROOT);
    int knownPort = port > 0 && port <= 0xffff ? port : 0;
    long canonical = canonicalIpv4(ip);
    if (canonical >= 0) return new Endpoint(name, ip, (int) canonical, null, knownPort);
    String v4 = null;
    int v4AsInt = 0;
    String v6 = null;
    InetAddress address = parseLiteral(ip);
    if (address instanceof Inet4Address) {
      v4 = address.getHostAddress();
      for (byte b : address.getAddress()) v4AsInt = v4AsInt << 8 | (b & 0xff);
    } else if (address instanceof Inet6Address) {
      v6 = address.getHostAddress();
      int zone = v6.indexOf('%');
      if (zone >= 0) v6 = v6.substring(0, zone);
    }
    return new Endpoint(name, v4, v4AsInt, v6, knownPort);
  }

  /**
   * An endpoint for a socket address, such as a connection's peer: its IP when the address is
   * resolved (an unresolved one gives none: never a DNS lookup) and its port; null gives neither.
   */
  public static Endpoint of(String serviceName, InetSocketAddress address) {
    if (address == null) return of(serviceName, null, 0);
    InetAddress ip = address.getAddress();
    return of(serviceName, ip == null ? null : ip.getHostAddress(), address.getPort());
  }

  /** The lowercase service name, or null. */
  public String serviceName() {
    return serviceName;
  }

  /** The IPv4 address in dotted form, or null. */
  public String ipv4() {
    return ipv4;
  }

  int ipv4AsInt() {
    return ipv4AsInt;
  }

  /** The IPv6 address in Java's full form without zone, or null. */
  public String ipv6() {
    return ipv6;
  }

  /** The port, or 0 when unknown. */
  public int port() {
    return port;
  }

  /** True when nothing is known of this endpoint. */
  public boolean isEmpty() {
    return serviceName == null && ipv4 == null && ipv6 == null && port == 0;
  }

  /**
   * The address of an IPv4 literal written as {@link InetAddress#getHostAddress()} writes one (four
   * decimal parts from 0 to 255, no leading zeros), or -1 for anything else. Such a literal, the usual
   * peer of a socket or a URL, is kept as it is: no parse through {@code InetAddress}, no new string.
   */
  private static long canonicalIpv4(String s) {
    if (s == null || s.length() < 7 || s.length() > 15) return -1L;
    long address = 0L;
    int parts = 0;
    int value = -1;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c == '.') {
        if (value < 0 || ++parts > 4) return -1L;
        address = address << 8 | value;
        value = -1;
      } else if (c >= '0' && c <= '9' && value != 0) { // a digit after a leading 0 is not canonical
        value = value < 0 ? c - '0' : value * 10 + (c - '0');
        if (value > 255) return -1L;
      } else {
        return -1L;
      }
    }
    return parts == 4 ? address : -1L;
  }

  // Only literals: InetAddress.getByName on a host name would do a DNS lookup.
  static InetAddress parseLiteral(String ip) {
    if (ip == null || ip.isEmpty() || ip.length() > 45) return null;
    boolean v6 = ip.indexOf(':') >= 0;
    if (!v6 && !isIpv4Literal(ip)) return null;
    String literal = v6 && ip.charAt(0) == '[' && ip.charAt(ip.length() - 1) == ']'
        ? ip.substring(1, ip.length() - 1) : ip;
    try {
      return InetAddress.getByName(literal); // a literal: parsed, never looked up
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  private static boolean isIpv4Literal(String s) {
    int parts = 0;
    int value = -1;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c == '.') {
        if (value < 0 || ++parts > 4) return false;
        value = -1;
      } else if (c >= '0' && c <= '9') {
        value = value < 0 ? c - '0' : value * 10 + (c - '0');
        if (value > 255) return false;
      } else {
        return false;
      }
    }
    return parts == 4;
  }

  @Override public boolean equals(Object o) {
    if (o == this) return true;
    if (!(o instanceof Endpoint)) return false;
    Endpoint that = (Endpoint) o;
    return port == that.port && Objects.equals(serviceName, that.serviceName)
        && Objects.equals(ipv4, that.ipv4) && Objects.equals(ipv6, that.ipv6);
  }

  @Override public int hashCode() {
    return Objects.hash(serviceName, ipv4, ipv6, port);
  }

  @Override public String toString() {
    return "Endpoint{" + serviceName + ", " + (ipv4 != null ? ipv4 : ipv6) + ":" + port + "}";
  }
}
