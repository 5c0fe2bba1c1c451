package io.tracelet.testing.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Checks that a server listens on the loopback address only, not on this host's other addresses. */
final class OtherAddresses {
  private OtherAddresses() {
  }

  static void assertRefuseConnectionsTo(int port) throws SocketException {
    List<String> accepting = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp()) continue;
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress()) continue;
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress(address, port), 1_000);
          accepting.add(address.getHostAddress());
        } catch (IOException expected) {
          // Refused (or unreachable): nothing listens there.
        }
      }
    }
    assertThat(accepting).as("addresses other than 127.0.0.1 that accept connections on port %d", port).isEmpty();
  }
}
