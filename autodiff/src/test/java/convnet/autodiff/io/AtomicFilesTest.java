package convnet.autodiff.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void finishedFilesAreReadableByOthersLikeAnyWrittenFile() throws Exception {
    Path file = dir.resolve("w.npz");
    AtomicFiles.writeString(file, "x");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.getFileStore(file).supportsFileAttributeView("posix"), "a POSIX file system");
    assertEquals(
        "rw-r--r--",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void writesAndReplaces() throws Exception {
    Path file = dir.resolve("a.txt");
    AtomicFiles.writeString(file, "first");
    AtomicFiles.writeString(file, "second ü");
    assertEquals("second ü", Files.readString(file));
    AtomicFiles.writeBytes(dir.resolve("b.bin"), new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("b.bin")));
    AtomicFiles.writeWith(
        dir.resolve("sub/c.txt"),
        out -> {
          out.write('x');
          out.close(); // a writer closing the stream must not break the fsync and rename
        });
    assertEquals("x", Files.readString(dir.resolve("sub/c.txt")));
    assertEquals(List.of("a.txt", "b.bin", "sub"), names());
  }

  @Test
  void failingWriterLeavesOldFileAndNoTemporary() throws Exception {
    Path file = dir.resolve("weights.npz");
    AtomicFiles.writeString(file, "old content");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                AtomicFiles.writeWith(
                    file,
                    out -> {
                      out.write(new byte[100_000]);
                      throw new IOException("disk full");
                    }));
    assertEquals("disk full", e.getMessage());
    assertEquals("old content", Files.readString(file));
    assertEquals(List.of("weights.npz"), names());
  }

  @Test
  void failingWriterCreatesNothing() throws Exception {
    Path file = dir.resolve("new.json");
    assertThrows(
        IllegalStateException.class,
        () ->
            AtomicFiles.writeWith(
                file,
                out -> {
                  out.write("{\"half\":".getBytes());
                  throw new IllegalStateException("bug while serialising");
                }));
    assertFalse(Files.exists(file));
    assertEquals(List.of(), names());
  }
}
