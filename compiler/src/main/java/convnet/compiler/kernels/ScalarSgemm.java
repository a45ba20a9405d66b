package convnet.compiler.kernels;

/** Plain-Java SGEMM, used when the Vector API is absent at run time. */
final class ScalarSgemm {

  private ScalarSgemm() {}

  static void sgemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float beta,
      float[] c,
      int cOff,
      int ldc) {
    float[] row = new float[n];
    float[] bRow = transB ? new float[n] : null;
    for (int i = 0; i < m; i++) {
      java.util.Arrays.fill(row, 0f);
      for (int p = 0; p < k; p++) {
        float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        if (transB) {
          for (int j = 0; j < n; j++) {
            bRow[j] = b[bOff + j * ldb + p];
          }
          for (int j = 0; j < n; j++) {
            row[j] += av * bRow[j];
          }
        } else {
          int bo = bOff + p * ldb;
          for (int j = 0; j < n; j++) {
            row[j] += av * b[bo + j];
          }
        }
      }
      int co = cOff + i * ldc;
      for (int j = 0; j < n; j++) {
        c[co + j] = beta == 0f ? alpha * row[j] : alpha * row[j] + beta * c[co + j];
      }
    }
  }
}
