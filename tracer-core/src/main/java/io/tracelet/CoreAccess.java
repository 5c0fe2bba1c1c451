package io.tracelet;

import io.tracelet.internal.InternalAccess;

/** The core's side of {@link InternalAccess}: package-private state other modules may read. */
final class CoreAccess extends InternalAccess {
  static void install() {
    InternalAccess.install(new CoreAccess());
  }

  @Override protected int endpointIpv4AsInt(Endpoint endpoint) {
    return endpoint.ipv4AsInt();
  }
}
