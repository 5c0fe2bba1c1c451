package io.tracelet.testing.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerArtifactsTest {
  @TempDir Path dir;

  @Test void readsEveryEntryOfTheClasspathFile() throws Exception {
    Path a = Files.createFile(dir.resolve("a.jar"));
    Path b = Files.createFile(dir.resolve("b.jar"));
    Path listing = Files.writeString(dir.resolve("server.classpath"), a + File.pathSeparator + b + "\n");

    assertThat(ServerArtifacts.classpath("some.property", listing.toString())).containsExactly(a, b);
  }

  @Test void theBuildHandsSurefireBothFilesAndTheyExist() {
    assertThat(ServerArtifacts.zipkinServer()).singleElement()
        .satisfies(jar -> assertThat(jar.getFileName().toString()).matches("zipkin-server-.*-exec\\.jar"));
    assertThat(ServerArtifacts.kafkaBroker())
        .anySatisfy(jar -> assertThat(jar.getFileName().toString()).startsWith("kafka_2.13-"))
        .anySatisfy(jar -> assertThat(jar.getFileName().toString()).startsWith("slf4j-simple-"))
        .noneSatisfy(jar -> assertThat(jar.getFileName().toString()).startsWith("zipkin"));
  }

  @Test void anUnsetPropertySaysHowToGetTheServer() {
    assertThatThrownBy(() -> ServerArtifacts.classpath("tracelet.zipkin-server.classpath", null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("The system property tracelet.zipkin-server.classpath is not set")
        .hasMessageContaining("mvn -pl testing/servers install")
        .hasMessageContaining("io.tracelet:tracelet-test-servers of type pom");
  }

  @Test void aMissingFileIsNamed() {
    Path missing = dir.resolve("missing.classpath");

    assertThatThrownBy(() -> ServerArtifacts.classpath("p", missing.toString()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("The classpath file " + missing + " (system property p) does not exist");
  }

  @Test void aMissingJarIsNamed() throws Exception {
    Path gone = dir.resolve("gone.jar");
    Path listing = Files.writeString(dir.resolve("server.classpath"), gone.toString());

    assertThatThrownBy(() -> ServerArtifacts.classpath("p", listing.toString()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lists " + gone + ", which does not exist");
  }

  @Test void anEmptyFileIsRefused() throws Exception {
    Path listing = Files.writeString(dir.resolve("server.classpath"), "\n");

    assertThatThrownBy(() -> ServerArtifacts.classpath("p", listing.toString()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is empty");
  }
}
