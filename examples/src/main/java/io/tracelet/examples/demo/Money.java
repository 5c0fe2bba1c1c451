package io.tracelet.examples.demo;

/** Amounts travel between the services as whole cents. */
final class Money {
  private Money() {
  }

  /** {@code 1250} as {@code "12.50"}. */
  static String format(long cents) {
    return String.format("%d.%02d", cents / 100, cents % 100);
  }
}
