package convnet.compiler.kernels;

import java.util.Random;

/**
 * A program run in a JVM without the Vector API module: checks the scalar kernels and reports the
 * backend.
 */
public final class FallbackProbe {

  private FallbackProbe() {}

  /** Exits 0 when the kernels match the reference, 1 otherwise. */
  public static void main(String[] args) {
    // Two threads whatever the machine, so that the pool's threads run scalar kernels too.
    Parallel.setThreads(2);
    Random r = new Random(17);
    int n = 3;
    int c = 2;
    int h = 9;
    int w = 8;
    int m = 5;
    float[] x = Reference.random(r, n * c * h * w);
    float[] wt = Reference.random(r, m * c * 9);
    int oh = Conv2d.outputSize(h, 3, 1, 1);
    int ow = Conv2d.outputSize(w, 3, 1, 1);
    float[] y = new float[n * m * oh * ow];
    Conv2d.forward(x, wt, y, n, c, h, w, m, 3, 3, 1, 1, 1, 1, 1);
    Reference.Result want = new Reference.Result(y.length);
    Reference.convTerms(
        n, c, h, w, m, 3, 3, 1, 1, 1, 1, 1, (xi, wi, yi) -> want.add(yi, (double) x[xi] * wt[wi]));
    float[] dw = new float[wt.length];
    Conv2d.backwardWeight(x, y, dw, n, c, h, w, m, 3, 3, 1, 1, 1, 1, 1);
    Reference.Result wantDw = new Reference.Result(wt.length);
    Reference.convTerms(
        n, c, h, w, m, 3, 3, 1, 1, 1, 1, 1, (xi, wi, yi) -> wantDw.add(wi, (double) x[xi] * y[yi]));
    // The single-map 9x9 window of local contrast normalisation takes the direct (shifted-plane)
    // path.
    float[] plane = Reference.random(r, 2 * 24 * 24);
    float[] window = Reference.random(r, 81);
    float[] smooth = new float[plane.length];
    Conv2d.forward(plane, window, smooth, 2, 1, 24, 24, 1, 9, 9, 1, 1, 4, 4, 1);
    Reference.Result wantSmooth = new Reference.Result(smooth.length);
    Reference.convTerms(
        2,
        1,
        24,
        24,
        1,
        9,
        9,
        1,
        1,
        4,
        4,
        1,
        (xi, wi, yi) -> wantSmooth.add(yi, (double) plane[xi] * window[wi]));
    float[] back = new float[plane.length];
    Conv2d.backwardInput(plane, window, back, 2, 1, 24, 24, 1, 9, 9, 1, 1, 4, 4, 1);
    Reference.Result wantBack = new Reference.Result(back.length);
    Reference.convTerms(
        2,
        1,
        24,
        24,
        1,
        9,
        9,
        1,
        1,
        4,
        4,
        1,
        (xi, wi, yi) -> wantBack.add(xi, (double) plane[yi] * window[wi]));
    try {
      Reference.assertClose(smooth, 0, wantSmooth, "scalar LCN window forward");
      Reference.assertClose(back, 0, wantBack, "scalar LCN window backwardInput");
      Reference.assertClose(y, 0, want, "scalar conv forward");
      Reference.assertClose(dw, 0, wantDw, "scalar conv backwardWeight");
    } catch (AssertionError e) {
      System.out.println("mismatch: " + e.getMessage());
      System.exit(1);
    }
    System.out.println("backend=" + KernelBackend.describe());
  }
}
