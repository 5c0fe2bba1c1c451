package io.tracelet.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test void aPreferredPortThatIsTakenIsReplacedByAFreeOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int[] ports = FreePorts.choose(taken.getLocalPort(), 0, 0);

      assertThat(ports).hasSize(3).doesNotHaveDuplicates().doesNotContain(taken.getLocalPort(), 0);
      for (int port : ports) { // free indeed: each can be bound
        new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1")).close();
      }
    }
  }

  @Test void aPreferredPortThatIsFreeIsKept() throws Exception {
    int free;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      free = socket.getLocalPort();
    }
    assertThat(FreePorts.choose(free)).containsExactly(free);
  }
}
