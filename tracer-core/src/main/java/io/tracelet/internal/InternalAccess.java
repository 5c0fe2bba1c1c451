package io.tracelet.internal;

import io.tracelet.Endpoint;

/**
 * What other Tracelet modules need from the core that is no part of its API.
 *
 * <p><b>Not an API.</b> Everything under {@code io.tracelet.internal} is public only so that
 * Tracelet's own modules can reach it; users must not import it, and it changes in any release
 * without notice. This is the one home of such internals in every Tracelet module.
 *
 * <p>The core installs the one implementation when {@link Endpoint} is initialized, which has
 * happened before anyone holds an endpoint to ask about.
 */
public abstract class InternalAccess {
  private static InternalAccess instance; // written once, in Endpoint's class initialization

  /** For the core's own implementation only. */
  protected InternalAccess() {
  }

  /**
   * The IPv4 address of {@code endpoint} as an int, its first octet in the high byte (network
   * order), as binary encodings carry it; 0 when there is none (0.0.0.0 is also 0: check
   * {@link Endpoint#ipv4()}).
   */
  public static int ipv4AsInt(Endpoint endpoint) {
    return instance.endpointIpv4AsInt(endpoint);
  }

  /** The core's implementation of {@link #ipv4AsInt}. */
  protected abstract int endpointIpv4AsInt(Endpoint endpoint);

  /**
   * Installs the core's implementation; called once, by the core.
   *
   * @throws IllegalStateException when one is installed already
   */
  protected static void install(InternalAccess access) {
    if (instance != null) throw new IllegalStateException("already installed");
    instance = access;
  }
}
