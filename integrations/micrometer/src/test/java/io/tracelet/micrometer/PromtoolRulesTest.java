package io.tracelet.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped rules, checked by Prometheus's own tools: {@code promtool check rules} (syntax, PromQL,
 * templates) and {@code promtool test rules} with {@code tracelet-rules.test.yml}, which feeds series
 * and says which alerts must fire when, with which labels and annotations.
 */
class PromtoolRulesTest {
  static final String RULES = "tracelet-rules.yml";
  static final String RULES_TEST = "tracelet-rules.test.yml";

  @TempDir Path dir;

  /** The rules as the jar ships them, beside their tests, in a folder of their own. */
  static void copyBeside(Path dir) throws IOException {
    for (String name : List.of(RULES, RULES_TEST)) {
      try (InputStream in = PromtoolRulesTest.class.getResourceAsStream(name)) {
        assertThat(in).as("the resource io/tracelet/micrometer/" + name).isNotNull();
        Files.copy(in, dir.resolve(name));
      }
    }
  }

  @Test void theRulesAreValid() throws Exception {
    copyBeside(dir);

    assertThat(Promtool.run(dir, "", "check", "rules", RULES)).contains("SUCCESS: 2 rules found");
  }

  @Test void theAlertsFireAsTheirTestsSay() throws Exception {
    copyBeside(dir);

    assertThat(Promtool.run(dir, "", "test", "rules", RULES_TEST)).contains("SUCCESS").doesNotContain("FAILED");
  }
}
