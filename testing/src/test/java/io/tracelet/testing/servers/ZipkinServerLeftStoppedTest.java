package io.tracelet.testing.servers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** A test that stops the shared server and forgets to start it must not break the next test. */
@ExtendWith(ZipkinServerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZipkinServerLeftStoppedTest {
  static ZipkinServer stoppedByTheFirstTest;

  @Test @Order(1) void aTestLeavesTheServerStopped(ZipkinServer zipkin) {
    zipkin.stop();
    stoppedByTheFirstTest = zipkin;

    assertThat(zipkin.isRunning()).isFalse();
  }

  @Test @Order(2) void theNextTestGetsTheSameServerRunningAgain(ZipkinServer zipkin) throws Exception {
    assertThat(zipkin).isSameAs(stoppedByTheFirstTest);
    assertThat(zipkin.isRunning()).isTrue();
    assertThat(ZipkinServerExtensionTest.health(zipkin).statusCode()).isEqualTo(200);
  }
}
