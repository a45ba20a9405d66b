package convnet.autodiff.io;

import convnet.autodiff.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy {@code .npz} archives: a zip of {@code <name>.npy} entries (names may contain '/'), as
 * written by {@code numpy.savez} (stored) and read from stored or deflated ({@code
 * savez_compressed}) archives.
 */
public final class Npz {
  /** The time stamp of every entry written: the earliest a zip archive can hold. */
  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

  private Npz() {}

  /** Reads every array, in archive order, as doubles. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    Map<String, Tensor> out = new LinkedHashMap<>();
    readArrays(file).forEach((k, v) -> out.put(k, v.tensor()));
    return out;
  }

  /**
   * Reads every array, in archive order, with its stored element type. The zip's central directory
   * must be complete and every entry must pass its CRC check.
   */
  public static Map<String, NpyArray> readArrays(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NpyFormatException(file + ": no such file");
    }
    byte[] head = new byte[4];
    try (java.io.InputStream in = Files.newInputStream(file)) {
      int got = in.readNBytes(head, 0, 4);
      if (got < 4 || head[0] != 'P' || head[1] != 'K') {
        throw new NpyFormatException(file + ": not a .npz file (not a zip archive)");
      }
    }
    Map<String, NpyArray> out = new LinkedHashMap<>();
    // ZipFile reads the central directory at the end of the archive, so a truncated file is refused
    // (a stream reader would stop quietly after the last whole entry); each entry's CRC is checked
    // here because ZipFile's entry streams do not check it.
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory()) {
          continue;
        }
        String entry = e.getName();
        if (!entry.endsWith(".npy")) {
          throw new NpyFormatException(file + ": entry '" + entry + "' is not a .npy array");
        }
        byte[] data;
        try (java.io.InputStream in = zip.getInputStream(e)) {
          data = in.readAllBytes();
        }
        if (e.getSize() >= 0 && data.length != e.getSize()) {
          throw new NpyFormatException(
              file
                  + ": corrupt zip archive: entry '"
                  + entry
                  + "' holds "
                  + data.length
                  + " bytes, its header says "
                  + e.getSize());
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        if (e.getCrc() >= 0 && crc.getValue() != e.getCrc()) {
          throw new NpyFormatException(
              file
                  + ": corrupt zip archive: entry '"
                  + entry
                  + "' fails its CRC check (the file is damaged)");
        }
        String name = entry.substring(0, entry.length() - 4);
        if (out.put(name, Npy.decode(data, file + "[" + entry + "]")) != null) {
          throw new NpyFormatException(file + ": duplicate entry '" + entry + "'");
        }
      }
    } catch (ZipException | java.io.EOFException ex) {
      throw new NpyFormatException(
          file + ": corrupt zip archive (truncated or damaged: " + ex.getMessage() + ")", ex);
    }
    if (out.isEmpty()) {
      throw new NpyFormatException(file + ": corrupt or empty zip archive (no entries)");
    }
    return out;
  }

  /**
   * Writes every tensor as {@code <name>.npy} of element type {@code type} (stored, like
   * numpy.savez), atomically.
   */
  public static void write(Path file, Map<String, Tensor> arrays, NpyType type) throws IOException {
    Map<String, NpyArray> typed = new LinkedHashMap<>();
    arrays.forEach((k, v) -> typed.put(k, new NpyArray(type, v)));
    writeArrays(file, typed);
  }

  /**
   * Writes every array with its own element type, atomically, in the map's order (callers pass maps
   * of a fixed order, such as the network's parameter order) and with one fixed time stamp, so
   * equal arrays always give a byte-identical file, whose checksum can be compared, whenever
   * written.
   */
  public static void writeArrays(Path file, Map<String, NpyArray> arrays) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ZipOutputStream zout = new ZipOutputStream(bos)) {
      for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
        if (e.getKey().isEmpty()) {
          throw new IllegalArgumentException("array names must not be empty");
        }
        byte[] npy = Npy.encode(e.getValue().tensor(), e.getValue().type());
        ZipEntry z = new ZipEntry(e.getKey() + ".npy");
        z.setMethod(ZipEntry.STORED);
        z.setTimeLocal(FIXED_TIME);
        z.setSize(npy.length);
        z.setCompressedSize(npy.length);
        CRC32 crc = new CRC32();
        crc.update(npy);
        z.setCrc(crc.getValue());
        zout.putNextEntry(z);
        zout.write(npy);
        zout.closeEntry();
      }
    }
    AtomicFiles.writeBytes(file, bos.toByteArray());
  }
}
