package convnet.runtime.see;

import convnet.autodiff.Executable;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.AtomicFiles;
import convnet.compiler.CompiledFunction;
import convnet.dsl.Network;
import convnet.runtime.data.Dataset;
import convnet.runtime.model.LayerTable;
import convnet.runtime.run.ConfusionMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html} of a run folder: one self-contained page (images inline as data URLs, no
 * script) showing the network as {@code convnet check} prints it, the loss and accuracy curves, the
 * per-epoch metrics exactly as {@code metrics.csv} holds them, the confusion matrix as a heat map,
 * the first filter bank, misclassified test images with their true and predicted classes, and the
 * deconvnet projections when {@code deconv.png} is in the folder.
 */
public final class RunReport {
  /** The page's file name in a run folder. */
  public static final String FILE = "report.html";

  /** The deconvnet picture that, when present in the run folder, the report shows. */
  public static final String DECONV_PNG = "deconv.png";

  /** At most this many misclassified test images are shown. */
  static final int MISCLASSIFIED = 32;

  /** At most this many test images are scanned for them, so the report stays quick. */
  static final int SCAN_LIMIT = 2048;

  private RunReport() {}

  /** One misclassified test image: its index in the test split, true and predicted class. */
  public record Mistake(int index, int truth, int predicted) {}

  /**
   * What the page shows: the network and its {@code check} table, the final weights, the test split
   * (as preprocessed for the network) and the mistakes found on it, the final confusion matrix, and
   * the run folder (for {@code metrics.csv}, {@code curves.png} and {@code deconv.png}).
   */
  public record Content(
      Network network,
      String checkTable,
      Map<String, Tensor> weights,
      Dataset test,
      List<Mistake> mistakes,
      ConfusionMatrix confusion,
      Path folder) {}

  /**
   * The first {@link #MISCLASSIFIED} test images that {@code inference} (an inference function of
   * batch size {@code batch}, output {@code output}) gets wrong, among the first {@link
   * #SCAN_LIMIT}.
   */
  public static List<Mistake> mistakes(
      Executable inference, int batch, Map<String, Tensor> weights, Dataset test) {
    int classes = test.classCount();
    int limit = Math.min(test.size(), SCAN_LIMIT);
    Shape shape = Shape.of(batch, test.channels(), test.height(), test.width());
    float[] images = new float[batch * test.imageSize()];
    Map<String, Tensor> values = new HashMap<>(weights);
    // Compiled: parameters go into the function's buffers once, each batch straight into its input
    // buffer, logits are read from its output buffer (as the evaluator does; the same values as
    // run(Map), which rounds to float alike).
    CompiledFunction compiled = inference instanceof CompiledFunction c ? c : null;
    if (compiled != null) {
      for (String name : compiled.paramNames()) {
        float[] target = compiled.buffer(name);
        double[] d = weights.get(name).data();
        for (int i = 0; i < d.length; i++) {
          target[i] = (float) d[i];
        }
      }
      images = compiled.buffer("input");
    }
    double[] logits = new double[batch * classes];
    List<Mistake> found = new ArrayList<>();
    for (int start = 0; start < limit && found.size() < MISCLASSIFIED; start += batch) {
      int n = Math.min(batch, limit - start);
      java.util.Arrays.fill(images, 0, shape.size(), 0f);
      for (int i = 0; i < n; i++) {
        test.copyImage(start + i, images, i * test.imageSize());
      }
      if (compiled != null) {
        compiled.run();
        float[] out = compiled.buffer("output");
        for (int i = 0; i < logits.length; i++) {
          logits[i] = out[i];
        }
      } else {
        values.put("input", Tensor.ofFloats(shape, images));
        logits = inference.run(values).get("output").data();
      }
      for (int i = 0; i < n && found.size() < MISCLASSIFIED; i++) {
        int best = 0;
        for (int k = 1; k < classes; k++) {
          if (logits[i * classes + k] > logits[i * classes + best]) {
            best = k;
          }
        }
        int truth = test.label(start + i);
        if (best != truth) {
          found.add(new Mistake(start + i, truth, best));
        }
      }
    }
    return found;
  }

  /**
   * Writes the report of a finished run: its mistakes found with {@code inference} (batch size
   * {@code batch}), the rest from the arguments and the run folder {@code folder}.
   */
  public static Path write(
      Path folder,
      Network network,
      Map<String, Tensor> weights,
      Dataset test,
      Executable inference,
      int batch,
      ConfusionMatrix confusion)
      throws IOException {
    return write(
        new Content(
            network,
            LayerTable.text(network),
            weights,
            test,
            mistakes(inference, batch, weights, test),
            confusion,
            folder));
  }

  /** Writes {@code report.html} into the run folder, atomically; returns its path. */
  public static Path write(Content c) throws IOException {
    Path file = c.folder().resolve(FILE);
    AtomicFiles.writeString(file, html(c));
    return file;
  }

  /** The page. */
  public static String html(Content c) throws IOException {
    List<String> s = new ArrayList<>();
    String name = c.network().name();
    s.add("<h1>Run of network " + Html.escape(name) + "</h1>");
    s.add(
        "<p class=\"note\">"
            + Html.escape(
                c.folder().toAbsolutePath().getFileName() == null
                    ? ""
                    : c.folder().toAbsolutePath().getFileName().toString())
            + "</p>");
    s.add("<h2>Network</h2>\n<pre id=\"network\">" + Html.escape(c.checkTable()) + "</pre>");
    s.add(metrics(c.folder().resolve("metrics.csv")));
    Path curves = c.folder().resolve("curves.png");
    if (Files.isRegularFile(curves)) {
      s.add("<h2>Curves</h2>\n" + img(pngDataUrl(curves), "loss and accuracy per epoch", "curves"));
    }
    s.add(confusion(c.confusion()));
    List<String> banks = FilterImages.filterLayers(c.network());
    if (!banks.isEmpty() && c.weights().containsKey(banks.get(0) + ".weight")) {
      s.add(
          "<h2>Filters of "
              + Html.escape(banks.get(0))
              + "</h2>\n"
              + img(
                  ImageGrid.dataUrl(FilterImages.draw(c.network(), c.weights(), banks.get(0))),
                  "filters of " + banks.get(0),
                  "filters"));
    }
    s.add(mistakes(c));
    s.add(DECONV_START + "\n" + deconvSection(c.folder(), null) + DECONV_END);
    return Html.page("convnet run: " + name, s);
  }

  private static final String DECONV_START = "<!-- deconv -->";
  private static final String DECONV_END = "<!-- /deconv -->";

  /** The deconvnet panel of {@code folder}'s {@code deconv.png}, or nothing when it has none. */
  private static String deconvSection(Path folder, String layer) throws IOException {
    Path deconv = folder.resolve(DECONV_PNG);
    if (!Files.isRegularFile(deconv)) {
      return "";
    }
    return "<h2>Deconvnet projections"
        + (layer == null ? "" : " of " + Html.escape(layer))
        + "</h2>\n<p class=\"note\">One row per feature map: each of its strongest activations "
        + "projected back to pixels, beside the image patch that caused it; made by convnet "
        + "deconv.</p>\n"
        + img(pngDataUrl(deconv), "deconvnet projections", "deconv")
        + "\n";
  }

  /**
   * Puts the panel of {@code folder/deconv.png} (projections of {@code layer}) into the run's
   * existing {@code report.html}, replacing an earlier one; false when the folder has no report.
   */
  public static boolean attachDeconv(Path folder, String layer) throws IOException {
    Path file = folder.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return false;
    }
    String page = Files.readString(file);
    int start = page.indexOf(DECONV_START);
    int end = page.indexOf(DECONV_END);
    String section = DECONV_START + "\n" + deconvSection(folder, layer) + DECONV_END;
    if (start >= 0 && end > start) {
      page = page.substring(0, start) + section + page.substring(end + DECONV_END.length());
    } else {
      int body = page.lastIndexOf("</body>");
      if (body < 0) {
        throw new IOException(file + ": not a report written by convnet (no </body>)");
      }
      page = page.substring(0, body) + section + "\n" + page.substring(body);
    }
    AtomicFiles.writeString(file, page);
    return true;
  }

  private static String img(String src, String alt, String id) {
    return "<img id=\"" + id + "\" src=\"" + src + "\" alt=\"" + Html.escape(alt) + "\">";
  }

  private static String pngDataUrl(Path png) throws IOException {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(png));
  }

  /** The metrics table: every cell exactly as {@code metrics.csv} has it. */
  private static String metrics(Path csv) throws IOException {
    if (!Files.isRegularFile(csv)) {
      return "<h2>Metrics</h2>\n<p>No metrics.csv in the run folder.</p>";
    }
    List<String> lines = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty()) {
      return "<h2>Metrics</h2>\n<p>metrics.csv is empty.</p>";
    }
    List<String> header = List.of(lines.get(0).split(",", -1));
    List<List<String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      rows.add(List.of(line.split(",", -1)));
    }
    return "<h2>Metrics per epoch</h2>\n<p class=\"note\">As in metrics.csv.</p>\n"
        + Html.table("metrics", "metrics", header, rows);
  }

  /** The confusion matrix: counts, each cell's colour the share of its true class. */
  private static String confusion(ConfusionMatrix m) {
    StringBuilder b =
        new StringBuilder(
            "<h2>Confusion matrix</h2>\n<p class=\"note\">Rows: true "
                + "class; columns: predicted class. Colour: share of the row.</p>\n"
                + "<table class=\"confusion\" id=\"confusion\">\n<tr><th class=\"name\">true \\ "
                + "predicted</th>");
    for (String c : m.classNames()) {
      b.append("<th>").append(Html.escape(c)).append("</th>");
    }
    b.append("</tr>\n");
    for (int t = 0; t < m.classCount(); t++) {
      long rowTotal = 0;
      for (int p = 0; p < m.classCount(); p++) {
        rowTotal += m.count(t, p);
      }
      b.append("<tr><th class=\"name\">")
          .append(Html.escape(m.classNames().get(t)))
          .append("</th>");
      for (int p = 0; p < m.classCount(); p++) {
        long n = m.count(t, p);
        double share = rowTotal == 0 ? 0 : (double) n / rowTotal;
        // White to a deep blue; the text turns white where the cell is dark.
        int r = (int) Math.round(255 - share * (255 - 31));
        int g = (int) Math.round(255 - share * (255 - 78));
        int bl = (int) Math.round(255 - share * (255 - 140));
        b.append(
                String.format(
                    Locale.ROOT,
                    "<td style=\"background:#%02x%02x%02x;color:%s\">",
                    r,
                    g,
                    bl,
                    share > 0.5 ? "#fff" : "#000"))
            .append(n)
            .append("</td>");
      }
      b.append("</tr>\n");
    }
    return b.append("</table>").toString();
  }

  private static String mistakes(Content c) {
    StringBuilder b = new StringBuilder("<h2>Misclassified test images</h2>\n");
    if (c.mistakes().isEmpty()) {
      return b.append("<p>None among the test images scanned.</p>").toString();
    }
    b.append("<p class=\"note\">The first ")
        .append(c.mistakes().size())
        .append(" found; caption: true → predicted.</p>\n<div id=\"mistakes\">\n");
    Dataset test = c.test();
    boolean drawable = test.channels() == 1 || test.channels() == 3;
    List<String> names = test.classNames();
    for (Mistake m : c.mistakes()) {
      String caption = names.get(m.truth()) + " → " + names.get(m.predicted());
      b.append("<figure>");
      if (drawable) {
        float[] x = new float[test.imageSize()];
        test.copyImage(m.index(), x, 0);
        Tile t = Tile.stretched(x, test.channels(), test.height(), test.width());
        b.append("<img src=\"")
            .append(
                ImageGrid.dataUrl(
                    ImageGrid.draw(
                        List.of(List.of(t)),
                        ImageGrid.zoomFor(test.height(), test.width(), 64),
                        0)))
            .append("\" alt=\"test image ")
            .append(m.index())
            .append("\"><br>");
      }
      b.append(Html.escape(caption)).append("</figure>\n");
    }
    return b.append("</div>").toString();
  }
}
