package io.tracelet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet in the root README.md stands, line for line (indentation aside), in a source
 * file that a test compiles and runs, so the README cannot drift from code that works.
 */
class RootReadmeSnippetsTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test void everyJavaSnippetOfTheRootReadmeIsKeptInTestedCode() throws IOException {
    List<List<String>> snippets = javaSnippets(Files.readAllLines(ROOT.resolve("README.md")));
    List<List<String>> sources = testedSources();

    assertThat(snippets).isNotEmpty();
    assertThat(sources).isNotEmpty();
    for (List<String> snippet : snippets) {
      assertThat(sources.stream().anyMatch(source -> contains(source, snippet)))
          .as("README snippet not found in any tested source:%n%s", String.join("\n", snippet))
          .isTrue();
    }
  }

  static List<List<String>> javaSnippets(List<String> readme) {
    List<List<String>> snippets = new ArrayList<>();
    List<String> current = null;
    for (String line : readme) {
      if (current == null && line.trim().equals("```java")) {
        current = new ArrayList<>();
      } else if (current != null && line.trim().equals("```")) {
        snippets.add(current);
        current = null;
      } else if (current != null && !line.isBlank()) {
        current.add(line.trim());
      }
    }
    return snippets;
  }

  /** The test sources of every module, and the examples' main sources (run by their tests). */
  static List<List<String>> testedSources() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/test/java/") || p.startsWith(ROOT.resolve("examples/src/main")))
          .filter(p -> !p.toString().contains("/target/"))
          .map(RootReadmeSnippetsTest::normalizedLines)
          .collect(Collectors.toList());
    }
  }

  static List<String> normalizedLines(Path file) {
    try {
      return Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty())
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean contains(List<String> source, List<String> snippet) {
    return java.util.Collections.indexOfSubList(source, snippet) >= 0;
  }
}
