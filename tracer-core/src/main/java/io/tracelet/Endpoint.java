package io.tracelet;

import java.net.Inet4Address;
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
  /** {@link #ipv4Literal}'s mark of a literal with a leading zero in a part. */
  private static final long NOT_CANONICAL = 1L << 32;

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
    long v4 = ipv4Literal(ip);
    if (v4 >= 0) {
      int address = (int) v4;
      return new Endpoint(name, (v4 & NOT_CANONICAL) == 0 ? ip : dotted(address), address, null, knownPort);
    }
    InetAddress address = ipv6Literal(ip);
    if (address instanceof Inet4Address) { // an IPv4-mapped IPv6 literal
      int v4AsInt = 0;
      for (byte b : address.getAddress()) v4AsInt = v4AsInt << 8 | (b & 0xff);
      return new Endpoint(name, address.getHostAddress(), v4AsInt, null, knownPort);
    }
    String v6 = null;
    if (address != null) {
      v6 = address.getHostAddress();
      int zone = v6.indexOf('%');
      if (zone >= 0) v6 = v6.substring(0, zone);
    }
    return new Endpoint(name, null, 0, v6, knownPort);
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
   * The address of an IPv4 literal (four decimal parts from 0 to 255) in the low 32 bits, with {@link
   * #NOT_CANONICAL} set when a part has a leading zero; -1 for anything else. A literal without one, as
   * {@link InetAddress#getHostAddress()} writes it and so the usual peer of a socket or a URL, is kept
   * as it is: no parse through {@code InetAddress}, no new string.
   */
  private static long ipv4Literal(String s) {
    if (s == null || s.length() < 7 || s.length() > 45) return -1L;
    long address = 0L;
    long canonical = 0L;
    int parts = 0;
    int value = -1;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c == '.') {
        if (value < 0 || ++parts > 4) return -1L;
        address = address << 8 | value;
        value = -1;
      } else if (c >= '0' && c <= '9') {
        if (value == 0) canonical = NOT_CANONICAL; // a digit after a leading 0
        value = value < 0 ? c - '0' : value * 10 + (c - '0');
        if (value > 255) return -1L;
      } else {
        return -1L;
      }
    }
    return parts == 4 ? address | canonical : -1L;
  }

  private static String dotted(int address) {
    return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
  }

  // Only literals: InetAddress.getByName on a host name would do a DNS lookup.
  private static InetAddress ipv6Literal(String ip) {
    if (ip == null || ip.length() > 45 || ip.indexOf(':') < 0) return null;
    String literal = ip.charAt(0) == '[' && ip.charAt(ip.length() - 1) == ']' ? ip.substring(1, ip.length() - 1) : ip;
    try {
      return InetAddress.getByName(literal); // a literal: parsed, never looked up
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
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
