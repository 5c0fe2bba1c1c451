package io.tracelet.examples.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Ports on 127.0.0.1 for {@code demo.sh}, as the OS hands them out. Each argument is a port to
 * use if it is free, or 0 for any; a preferred port that is taken is replaced by any free one.
 * Prints one port per argument, space-separated, all different. A port was free a moment ago:
 * a server that then cannot bind it fails and says so.
 */
public final class FreePorts {
  private FreePorts() {
  }

  /** {@code java FreePorts 9411 0 0} prints, say, {@code 9411 40123 40125}. */
  public static void main(String[] args) throws IOException {
    int[] preferred = new int[args.length];
    for (int i = 0; i < args.length; i++) preferred[i] = Integer.parseInt(args[i]);
    StringJoiner out = new StringJoiner(" ");
    for (int port : choose(preferred)) out.add(Integer.toString(port));
    System.out.println(out);
  }

  /** For each preferred port, that port if it is free on 127.0.0.1, else a free one (0: any). */
  static int[] choose(int... preferred) throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    List<ServerSocket> held = new ArrayList<>(); // all held open until the end, so the ports differ
    try {
      int[] ports = new int[preferred.length];
      for (int i = 0; i < preferred.length; i++) {
        ServerSocket socket = bind(preferred[i], loopback);
        if (socket == null) socket = new ServerSocket(0, 1, loopback);
        held.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : held) socket.close();
    }
  }

  // The socket bound to port, or null when it is taken (or 0).
  private static ServerSocket bind(int port, InetAddress address) {
    if (port == 0) return null;
    try {
      return new ServerSocket(port, 1, address);
    } catch (IOException e) {
      return null;
    }
  }
}
