package io.tracelet.examples.demo;

import java.util.Locale;
import java.util.Optional;

/** What the shop sells: each item's price, and whether it is kept in the far warehouse (slow to reserve). */
enum Item {
  BOOK(12_50, false),
  LAMP(39_00, false),
  MUG(8_00, false),
  PIANO(2_499_00, true);

  final long priceCents;
  final boolean farWarehouse;

  Item(long priceCents, boolean farWarehouse) {
    this.priceCents = priceCents;
    this.farWarehouse = farWarehouse;
  }

  /** The name requests use: {@code book}, {@code piano}... */
  String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The item a request names, if the shop sells it. */
  static Optional<Item> byId(String id) {
    for (Item item : values()) {
      if (item.id().equals(id)) return Optional.of(item);
    }
    return Optional.empty();
  }
}
