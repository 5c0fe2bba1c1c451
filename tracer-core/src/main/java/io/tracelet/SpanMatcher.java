package io.tracelet;

/**
 * Matches spans by kind (null: any) and name pattern (null: any; exact, or a prefix when it ends in
 * {@code *}), for sampler rules and keep rules. Immutable; matching allocates nothing.
 */
final class SpanMatcher {
  private final SpanKind kind;
  private final String name;
  private final boolean prefix;

  SpanMatcher(SpanKind kind, String pattern) {
    this.kind = kind;
    this.prefix = pattern != null && pattern.endsWith("*");
    this.name = prefix ? pattern.substring(0, pattern.length() - 1) : pattern;
  }

  boolean matches(String spanName, SpanKind spanKind) {
    if (kind != null && kind != spanKind) return false;
    if (name == null) return true;
    return prefix ? spanName.startsWith(name) : spanName.equals(name);
  }

  @Override public String toString() {
    return (kind == null ? "*" : kind) + " " + (name == null ? "*" : name + (prefix ? "*" : ""));
  }
}
