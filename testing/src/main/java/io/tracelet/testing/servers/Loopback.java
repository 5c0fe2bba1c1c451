package io.tracelet.testing.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** The loopback address every server binds, and the free ports the OS hands out on it. */
final class Loopback {
  static final String HOST = "127.0.0.1";

  private Loopback() {
  }

  /**
   * {@code count} different ports that were free on 127.0.0.1 a moment ago. Another process could
   * take one before the server binds it; a server that cannot bind fails to start and says so.
   */
  static int[] freePorts(int count) {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) { // all held open at once, so the ports differ
        sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          if (socket != null) socket.close();
        } catch (IOException e) {
          // Closing a listening socket that never accepted cannot lose anything.
        }
      }
    }
  }

  /** True when something accepts TCP connections on 127.0.0.1:{@code port}. */
  static boolean isAccepting(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
