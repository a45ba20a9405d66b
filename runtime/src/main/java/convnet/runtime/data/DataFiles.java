package convnet.runtime.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads whole data files, gzip or raw, turning every I/O failure into a {@link DataError}. */
final class DataFiles {
  /** The largest byte array the JVM allocates (a few below Integer.MAX_VALUE). */
  static final int MAX_BYTES = Integer.MAX_VALUE - 8;

  private DataFiles() {}

  /** The bytes of {@code file}, decompressed when it starts with the gzip magic number. */
  static byte[] read(Path file) {
    byte[] raw;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new DataError(
            String.format(
                java.util.Locale.ROOT,
                "%s: %,d bytes, larger than the %,d " + "bytes convnet reads from one data file",
                file,
                size,
                MAX_BYTES));
      }
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DataError(file + ": file not found");
    } catch (AccessDeniedException e) {
      throw new DataError(file + ": permission denied");
    } catch (IOException e) {
      throw new DataError(file + ": cannot read: " + e.getMessage(), e);
    }
    return maybeGunzip(file.toString(), raw);
  }

  /** The bytes of a stream (a classpath resource), decompressed when gzip. */
  static byte[] read(String name, InputStream in) {
    if (in == null) {
      throw new DataError(name + ": not found");
    }
    try (in) {
      return maybeGunzip(name, in.readAllBytes());
    } catch (IOException e) {
      throw new DataError(name + ": cannot read: " + e.getMessage(), e);
    }
  }

  static byte[] maybeGunzip(String name, byte[] raw) {
    boolean gzip = raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b;
    if (!gzip) {
      if (name.endsWith(".gz")) {
        throw new DataError(name + ": corrupt: not gzip data although the name ends in .gz");
      }
      return raw;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
      // Bounded, so a corrupt or hostile stream is a message rather than an OutOfMemoryError.
      byte[] out = in.readNBytes(MAX_BYTES);
      if (out.length == MAX_BYTES && in.read() != -1) {
        throw new DataError(
            String.format(
                java.util.Locale.ROOT,
                "%s: decompresses to more than the " + "%,d bytes convnet reads from one data file",
                name,
                MAX_BYTES));
      }
      return out;
    } catch (EOFException e) {
      throw new DataError(name + ": truncated: the gzip stream ends early");
    } catch (ZipException e) {
      throw new DataError(name + ": corrupt gzip data: " + e.getMessage());
    } catch (IOException e) {
      throw new DataError(name + ": cannot decompress: " + e.getMessage(), e);
    }
  }

  /** Big-endian unsigned 32-bit int at {@code offset}, as a non-negative long. */
  static long uint32(byte[] b, int offset) {
    return int32(b, offset) & 0xffffffffL;
  }

  /** Big-endian unsigned 32-bit int at {@code offset}, as an int (IDX sizes fit). */
  static int int32(byte[] b, int offset) {
    return ((b[offset] & 0xff) << 24)
        | ((b[offset + 1] & 0xff) << 16)
        | ((b[offset + 2] & 0xff) << 8)
        | (b[offset + 3] & 0xff);
  }
}
