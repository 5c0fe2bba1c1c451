package io.tracelet.examples.demo;

import java.time.Duration;

/** The demo's stand-in for real work (a database, a payment provider): it takes time, nothing else. */
final class Simulated {
  private Simulated() {
  }

  /** Takes {@code time} on the calling thread. */
  static void work(Duration time) {
    try {
      Thread.sleep(time.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while working", e);
    }
  }
}
