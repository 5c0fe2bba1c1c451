package io.tracelet.internal;

import io.tracelet.SpanKind;

/**
 * Matches spans by kind (null: any) and name pattern (null: any; exact, or a prefix when it ends in
 * {@code *}), for sampler rules, keep rules and alert rules. Immutable; matching allocates nothing.
 *
 * <p><b>Not an API.</b> Public only so that the core's packages share it; see {@link InternalAccess}.
 */
public final class SpanMatcher {
  private final SpanKind kind;
  private final String name;
  private final boolean prefix;

  /** A matcher of spans of {@code kind} (null: any) whose name matches {@code pattern} (null: any). */
  public SpanMatcher(SpanKind kind, String pattern) {
    this.kind = kind;
    this.prefix = pattern != null && pattern.endsWith("*");
    this.name = prefix ? pattern.substring(0, pattern.length() - 1) : pattern;
  }

  /** True when a span of this name and kind matches. */
  public boolean matches(String spanName, SpanKind spanKind) {
    if (kind != null && kind != spanKind) return false;
    if (name == null) return true;
    return prefix ? spanName.startsWith(name) : spanName.equals(name);
  }

  @Override public String toString() {
    return (kind == null ? "*" : kind) + " " + (name == null ? "*" : name + (prefix ? "*" : ""));
  }
}
