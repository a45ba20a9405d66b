package convnet.runtime.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Reader of a folder of JPEG/PNG images per class (the Caltech-101 layout, {@code
 * root/<class>/*.jpg}): classes sorted by folder name, a deterministic per-class train/test split,
 * each image resized so its shorter side fits the network's input, centre-cropped to H×W, and
 * converted to grayscale (C = 1) or RGB (C = 3).
 */
public final class FolderReader {
  static {
    // ImageIO and Graphics2D must never try to open a display.
    System.setProperty("java.awt.headless", "true");
  }

  private FolderReader() {}

  /** The classes and image files found under a root, before any image is decoded. */
  public record Listing(Path root, List<String> classNames, List<List<Path>> files) {
    public Listing {
      classNames = List.copyOf(classNames);
      files = files.stream().map(List::copyOf).toList();
    }

    /** Total number of images. */
    public int size() {
      return files.stream().mapToInt(List::size).sum();
    }
  }

  /**
   * Whether {@code dir} has at least one sub-folder holding an image; other problems (an empty
   * class folder) are left for {@link #list} to report precisely.
   */
  public static boolean looksLikeFolders(Path dir) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (Files.isDirectory(entry) && !entry.getFileName().toString().startsWith(".")) {
          try (DirectoryStream<Path> files = Files.newDirectoryStream(entry)) {
            for (Path file : files) {
              if (isImageName(file.getFileName().toString())) {
                return true;
              }
            }
          }
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  static boolean isImageName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return !lower.startsWith(".")
        && (lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".png"));
  }

  /** Lists classes (sub-folders, sorted by name) and their image files (sorted by name). */
  public static Listing list(Path root) {
    if (!Files.isDirectory(root)) {
      throw new DataError(root + ": no such directory (expected one folder of images per class)");
    }
    List<Path> classDirs = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        if (Files.isDirectory(entry) && !entry.getFileName().toString().startsWith(".")) {
          classDirs.add(entry);
        }
      }
    } catch (IOException e) {
      throw new DataError(root + ": cannot list: " + e.getMessage(), e);
    }
    if (classDirs.isEmpty()) {
      throw new DataError(
          root + ": no class folders (expected " + root + "/<class>/<image>.jpg|.png)");
    }
    Collections.sort(classDirs);
    List<String> names = new ArrayList<>();
    List<List<Path>> files = new ArrayList<>();
    for (Path classDir : classDirs) {
      List<Path> images = new ArrayList<>();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(classDir)) {
        for (Path entry : entries) {
          if (Files.isRegularFile(entry) && isImageName(entry.getFileName().toString())) {
            images.add(entry);
          }
        }
      } catch (IOException e) {
        throw new DataError(classDir + ": cannot list: " + e.getMessage(), e);
      }
      if (images.isEmpty()) {
        throw new DataError(classDir + ": class folder without images (.jpg, .jpeg or .png)");
      }
      Collections.sort(images);
      names.add(classDir.getFileName().toString());
      files.add(images);
    }
    return new Listing(root, names, files);
  }

  /** Reads, splits, resizes and crops every image to {@code channels × height × width}. */
  public static DataSplits read(Path root, int channels, int height, int width, FolderSplit split) {
    if (channels != 1 && channels != 3) {
      throw new DataError(
          root
              + ": images can be read as 1 channel (grayscale) or 3 (RGB), but "
              + "the network's input has "
              + channels
              + " channels");
    }
    if (height <= 0 || width <= 0) {
      throw new DataError(root + ": bad target size " + height + "x" + width);
    }
    Listing listing = list(root);
    List<Path> trainFiles = new ArrayList<>();
    List<Integer> trainLabels = new ArrayList<>();
    List<Path> testFiles = new ArrayList<>();
    List<Integer> testLabels = new ArrayList<>();
    for (int c = 0; c < listing.classNames().size(); c++) {
      List<Path> files = new ArrayList<>(listing.files().get(c));
      // Sorted names first, then a shuffle from (seed, class): independent of directory order.
      Collections.shuffle(
          files, new java.util.Random(new SplittableRandom(Seeds.mix(split.seed(), c)).nextLong()));
      int test = split.testCount(listing.classNames().get(c), files.size());
      int trainEnd = split.trainPerClass() > 0 ? split.trainPerClass() : files.size() - test;
      for (int i = 0; i < trainEnd; i++) {
        trainFiles.add(files.get(i));
        trainLabels.add(c);
      }
      for (int i = trainEnd; i < trainEnd + test; i++) {
        testFiles.add(files.get(i));
        testLabels.add(c);
      }
    }
    String name = root.toString();
    Dataset train =
        load(
            name + " (train)",
            trainFiles,
            trainLabels,
            listing.classNames(),
            channels,
            height,
            width);
    Dataset test =
        load(
            name + " (test)", testFiles, testLabels, listing.classNames(), channels, height, width);
    return new DataSplits(
        train,
        test,
        "image folders in "
            + root
            + " ("
            + listing.classNames().size()
            + " classes, "
            + split.describe()
            + ", resized and centre-cropped to "
            + channels
            + "x"
            + height
            + "x"
            + width
            + ")");
  }

  private static Dataset load(
      String name,
      List<Path> files,
      List<Integer> labels,
      List<String> classNames,
      int channels,
      int height,
      int width) {
    // Each factor is below 2^31, so a plain long product could still overflow: saturate instead.
    long values = saturatingProduct(files.size(), channels, height, width);
    // One float array holds the split: past its limit or half the heap, say so before allocating.
    if (values > Integer.MAX_VALUE - 8
        || values * Float.BYTES > Runtime.getRuntime().maxMemory() / 2) {
      throw new DataError(
          String.format(
              java.util.Locale.ROOT,
              "%s: %,d images of %dx%dx%d are "
                  + "%,d values, too many to hold in memory; use a smaller input size or fewer images",
              name,
              files.size(),
              channels,
              height,
              width,
              values));
    }
    int imageSize = channels * height * width;
    float[] pixels = new float[files.size() * imageSize];
    AtomicReferenceArray<DataError> errors = new AtomicReferenceArray<>(files.size());
    // Each image writes only its own slice, so the parallel decode is deterministic.
    IntStream.range(0, files.size())
        .parallel()
        .forEach(
            i -> {
              try {
                BufferedImage image = decode(files.get(i));
                toPixels(fit(image, height, width), channels, pixels, i * imageSize);
              } catch (DataError e) {
                errors.set(i, e);
              }
            });
    for (int i = 0; i < files.size(); i++) {
      if (errors.get(i) != null) {
        throw errors.get(i);
      }
    }
    int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
    return new Dataset(name, channels, height, width, classNames, pixels, labelArray);
  }

  private static long saturatingProduct(long... factors) {
    long p = 1;
    for (long f : factors) {
      p = f != 0 && p > Long.MAX_VALUE / f ? Long.MAX_VALUE : p * f;
    }
    return p;
  }

  /**
   * The most pixels of one image decoded (256 megapixels, 1 GiB as 32-bit RGB): a larger size in a
   * file's header is refused before ImageIO tries to allocate it.
   */
  static final long MAX_IMAGE_PIXELS = 1L << 28;

  static BufferedImage decode(Path file) {
    checkDeclaredSize(file);
    try {
      BufferedImage image = ImageIO.read(file.toFile());
      if (image == null) {
        throw new DataError(file + ": unreadable image: not a JPEG or PNG that can be decoded");
      }
      return image;
    } catch (IOException | RuntimeException e) {
      if (e instanceof DataError d) {
        throw d;
      }
      throw new DataError(file + ": unreadable image: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the width and height a JPEG or PNG header declares, and refuses absurd ones naming the
   * file; files ImageIO cannot even open are left for {@link #decode} to report.
   */
  private static void checkDeclaredSize(Path file) {
    try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        return;
      }
      java.util.Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return;
      }
      javax.imageio.ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width < 1 || height < 1 || width * height > MAX_IMAGE_PIXELS) {
          throw new DataError(
              String.format(
                  Locale.ROOT,
                  "%s: corrupt or unsupported image: its header "
                      + "says %dx%d pixels (width x height); at most %,d pixels are decoded",
                  file,
                  width,
                  height,
                  MAX_IMAGE_PIXELS));
        }
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof DataError d) {
        throw d;
      }
      // A header ImageIO cannot parse is reported, with ImageIO's reason, by decode().
    }
  }

  /** Scales so the image covers height × width (shorter side fits), then crops the centre. */
  static BufferedImage fit(BufferedImage source, int height, int width) {
    double scale =
        Math.max((double) height / source.getHeight(), (double) width / source.getWidth());
    int scaledWidth = Math.max(width, (int) Math.round(source.getWidth() * scale));
    int scaledHeight = Math.max(height, (int) Math.round(source.getHeight() * scale));
    BufferedImage current = source;
    // Halving step by step keeps bilinear sampling from skipping pixels on large reductions.
    while (current.getWidth() >= 2 * scaledWidth && current.getHeight() >= 2 * scaledHeight) {
      current =
          draw(
              current,
              current.getWidth() / 2,
              current.getHeight() / 2,
              0,
              0,
              current.getWidth() / 2,
              current.getHeight() / 2);
    }
    int x = -(scaledWidth - width) / 2;
    int y = -(scaledHeight - height) / 2;
    return draw(current, width, height, x, y, scaledWidth, scaledHeight);
  }

  private static BufferedImage draw(
      BufferedImage source,
      int canvasWidth,
      int canvasHeight,
      int x,
      int y,
      int drawWidth,
      int drawHeight) {
    BufferedImage canvas = new BufferedImage(canvasWidth, canvasHeight, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(source, x, y, drawWidth, drawHeight, null);
    } finally {
      g.dispose();
    }
    return canvas;
  }

  /** Writes the image's pixels, NCHW in [0, 1], at {@code dst[offset..]}. */
  static void toPixels(BufferedImage image, int channels, float[] dst, int offset) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
    int plane = w * h;
    for (int i = 0; i < plane; i++) {
      int r = (rgb[i] >> 16) & 0xff;
      int g = (rgb[i] >> 8) & 0xff;
      int b = rgb[i] & 0xff;
      if (channels == 1) {
        // ITU-R BT.601 luma, the weights of ImageIO's and most libraries' grayscale conversion.
        dst[offset + i] = (0.299f * r + 0.587f * g + 0.114f * b) * (1f / 255f);
      } else {
        dst[offset + i] = r * (1f / 255f);
        dst[offset + plane + i] = g * (1f / 255f);
        dst[offset + 2 * plane + i] = b * (1f / 255f);
      }
    }
  }
}
