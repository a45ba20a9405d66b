package convnet.autodiff.io;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} reading and writing, byte-compatible with {@code numpy.save}: format 1.0,
 * header dict {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded with
 * spaces (room for the first axis to grow, as numpy does) and a newline so the data starts at a
 * multiple of 64 bytes, C order, little endian. Reading also accepts format 2.0 and 3.0 headers.
 * Integers are held as doubles; int64 values beyond ±2^53 are rejected rather than silently
 * rounded.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
  private static final long MAX_EXACT = 1L << 53;
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;

  private Npy() {}

  /** Reads a .npy file as a tensor of doubles. */
  public static Tensor read(Path file) throws IOException {
    return readArray(file).tensor();
  }

  /** Reads a .npy file, keeping the stored element type. */
  public static NpyArray readArray(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NpyFormatException(file + ": no such file");
    }
    return decode(Files.readAllBytes(file), file.toString());
  }

  /**
   * Writes {@code t} as a .npy file of element type {@code type}, atomically (temporary file, then
   * rename).
   */
  public static void write(Path file, Tensor t, NpyType type) throws IOException {
    AtomicFiles.writeBytes(file, encode(t, type));
  }

  /** The bytes numpy.save would write. */
  public static byte[] encode(Tensor t, NpyType type) {
    String shape = shapeText(t.shape());
    String dict =
        "{'descr': '" + type.descr() + "', 'fortran_order': False, 'shape': " + shape + ", }";
    // numpy leaves room for the first axis to grow to 21 digits before aligning the data to 64
    // bytes.
    int growth =
        t.shape().rank() > 0
            ? GROWTH_AXIS_MAX_DIGITS - String.valueOf(t.shape().dim(0)).length()
            : 0;
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + growth + 1;
    int total = (unpadded + 63) / 64 * 64;
    String header = dict + " ".repeat(total - unpadded + growth) + "\n";
    ByteBuffer buf =
        ByteBuffer.allocate(total + t.size() * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    buf.put(header.getBytes(StandardCharsets.US_ASCII));
    double[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      switch (type) {
        case FLOAT32 -> buf.putFloat((float) d[i]);
        case FLOAT64 -> buf.putDouble(d[i]);
        case INT32 -> buf.putInt(toInt(d[i], i));
        case INT64 -> buf.putLong(toLong(d[i], i));
      }
    }
    return buf.array();
  }

  private static int toInt(double v, int i) {
    if (v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("element " + i + " = " + v + " is not an int32");
    }
    return (int) v;
  }

  private static long toLong(double v, int i) {
    if (v != Math.rint(v) || Math.abs(v) > MAX_EXACT) {
      throw new IllegalArgumentException(
          "element " + i + " = " + v + " is not an exactly representable int64");
    }
    return (long) v;
  }

  private static String shapeText(Shape s) {
    if (s.rank() == 0) {
      return "()";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < s.rank(); i++) {
      sb.append(i > 0 ? ", " : "").append(s.dim(i));
    }
    return sb.append(s.rank() == 1 ? ",)" : ")").toString();
  }

  /** Parses .npy bytes; {@code where} names the file or entry in error messages. */
  public static NpyArray decode(byte[] bytes, String where) throws NpyFormatException {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10) {
      throw new NpyFormatException(
          where + ": truncated: " + bytes.length + " bytes is shorter than a .npy header");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new NpyFormatException(
            where + ": not a .npy file (the magic string \\x93NUMPY is missing)");
      }
    }
    int major = bytes[6] & 0xff;
    int headerLen;
    int headerStart;
    if (major == 1) {
      headerLen = buf.getShort(8) & 0xffff;
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new NpyFormatException(where + ": truncated header");
      }
      long len = buf.getInt(8) & 0xffffffffL;
      if (len > bytes.length) {
        throw new NpyFormatException(
            where + ": truncated: header length " + len + " exceeds file size " + bytes.length);
      }
      headerLen = (int) len;
      headerStart = 12;
    } else {
      throw new NpyFormatException(
          where + ": unsupported .npy format version " + major + "." + (bytes[7] & 0xff));
    }
    if (headerStart + headerLen > bytes.length) {
      throw new NpyFormatException(
          where
              + ": truncated: header of "
              + headerLen
              + " bytes, file has "
              + (bytes.length - headerStart));
    }
    String header =
        new String(
            bytes,
            headerStart,
            headerLen,
            major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = find(DESCR, header, "descr", where);
    String fortran = find(FORTRAN, header, "fortran_order", where);
    String shapeText = find(SHAPE, header, "shape", where);
    if (fortran.equals("True")) {
      throw new NpyFormatException(
          where
              + ": Fortran-order arrays are not supported (save with C order, e.g. np.ascontiguousarray)");
    }
    NpyType type = NpyType.fromDescr(descr);
    if (type == null) {
      if (descr.length() == 3
          && descr.charAt(0) == '>'
          && NpyType.fromDescr("<" + descr.substring(1)) != null) {
        throw new NpyFormatException(
            where + ": big-endian data ('" + descr + "') is not supported; use little endian");
      }
      throw new NpyFormatException(
          where + ": unsupported dtype '" + descr + "' (supported: <f4, <f8, <i4, <i8)");
    }
    Shape shape = parseShape(shapeText, where);
    int dataStart = headerStart + headerLen;
    long need = (long) shape.size() * type.bytes();
    if (bytes.length - dataStart < need) {
      throw new NpyFormatException(
          where
              + ": truncated: shape "
              + shape
              + " of "
              + descr
              + " needs "
              + need
              + " data bytes, file has "
              + (bytes.length - dataStart));
    }
    if (bytes.length - dataStart > need) {
      throw new NpyFormatException(
          where
              + ": "
              + (bytes.length - dataStart - need)
              + " unexpected bytes after the data of shape "
              + shape);
    }
    buf.position(dataStart);
    double[] d = new double[shape.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] =
          switch (type) {
            case FLOAT32 -> buf.getFloat();
            case FLOAT64 -> buf.getDouble();
            case INT32 -> buf.getInt();
            case INT64 -> {
              long v = buf.getLong();
              if (Math.abs(v) > MAX_EXACT) {
                throw new NpyFormatException(
                    where + ": int64 element " + i + " = " + v + " is too large to hold exactly");
              }
              yield v;
            }
          };
    }
    return new NpyArray(type, Tensor.wrap(shape, d));
  }

  private static String find(Pattern p, String header, String key, String where)
      throws NpyFormatException {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new NpyFormatException(
          where + ": bad header: no valid '" + key + "' entry in " + header.strip());
    }
    return m.group(1);
  }

  private static Shape parseShape(String text, String where) throws NpyFormatException {
    List<Integer> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String s = part.strip();
      if (s.isEmpty()) {
        continue;
      }
      if (s.endsWith("L")) {
        s = s.substring(0, s.length() - 1);
      }
      try {
        dims.add(Integer.parseInt(s));
      } catch (NumberFormatException e) {
        throw new NpyFormatException(
            where + ": bad header: shape entry '" + part.strip() + "' is not a dimension");
      }
    }
    try {
      return Shape.of(dims);
    } catch (IllegalArgumentException e) {
      throw new NpyFormatException(where + ": bad header: " + e.getMessage());
    }
  }
}
