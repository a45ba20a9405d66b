package convnet.autodiff.io;

import convnet.autodiff.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * NumPy {@code .npz} archives: a zip of {@code <name>.npy} entries (names may contain '/'), as written by
 * {@code numpy.savez} (stored) and read from stored or deflated ({@code savez_compressed}) archives.
 */
public final class Npz {
    private Npz() {
    }

    /** Reads every array, in archive order, as doubles. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        readArrays(file).forEach((k, v) -> out.put(k, v.tensor()));
        return out;
    }

    /** Reads every array, in archive order, with its stored element type. */
    public static Map<String, NpyArray> readArrays(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NpyFormatException(file + ": no such file");
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
            throw new NpyFormatException(file + ": not a .npz file (not a zip archive)");
        }
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                String entry = e.getName();
                if (!entry.endsWith(".npy")) {
                    throw new NpyFormatException(file + ": entry '" + entry + "' is not a .npy array");
                }
                byte[] data = zin.readAllBytes();
                String name = entry.substring(0, entry.length() - 4);
                if (out.put(name, Npy.decode(data, file + "[" + entry + "]")) != null) {
                    throw new NpyFormatException(file + ": duplicate entry '" + entry + "'");
                }
            }
        } catch (ZipException | java.io.EOFException ex) {
            throw new NpyFormatException(file + ": corrupt zip archive: " + ex.getMessage(), ex);
        }
        if (out.isEmpty()) {
            throw new NpyFormatException(file + ": corrupt or empty zip archive (no entries)");
        }
        return out;
    }

    /** Writes every tensor as {@code <name>.npy} of element type {@code type} (stored, like numpy.savez), atomically. */
    public static void write(Path file, Map<String, Tensor> arrays, NpyType type) throws IOException {
        Map<String, NpyArray> typed = new LinkedHashMap<>();
        arrays.forEach((k, v) -> typed.put(k, new NpyArray(type, v)));
        writeArrays(file, typed);
    }

    /** Writes every array with its own element type, atomically. */
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
