package convnet.dsl;

import java.util.Arrays;
import java.util.Random;

/**
 * Which input maps each output map of a convolution sees. Output map {@code o} sees the sorted
 * input maps {@link #inputsOf(int)}; its weight slice {@code [o, j, :, :]} belongs to input map
 * {@code inputsOf(o)[j]}, so the weight tensor is {@code [out, perOutput, kh, kw]}.
 */
public final class ConnectionTable {
  private final int inputs;
  private final int[][] rows;
  private final String description;

  private ConnectionTable(int inputs, int[][] rows, String description) {
    this.inputs = inputs;
    this.rows = rows;
    this.description = description;
  }

  /**
   * A random table: each of {@code outputs} maps sees {@code perOutput} distinct maps of {@code
   * inputs}, drawn by a generator seeded with {@code seed} (derived from the run's seed and the
   * layer's name by {@link #seedOf(long, String)}).
   */
  public static ConnectionTable random(int inputs, int outputs, int perOutput, long seed) {
    if (perOutput < 1 || perOutput > inputs) {
      throw new IllegalArgumentException("perOutput " + perOutput + " not in 1.." + inputs);
    }
    Random random = new Random(seed);
    int[][] rows = new int[outputs][];
    int[] pool = new int[inputs];
    for (int o = 0; o < outputs; o++) {
      for (int i = 0; i < inputs; i++) {
        pool[i] = i;
      }
      // Partial Fisher-Yates shuffle: the first perOutput entries are a uniform random subset.
      for (int j = 0; j < perOutput; j++) {
        int k = j + random.nextInt(inputs - j);
        int t = pool[j];
        pool[j] = pool[k];
        pool[k] = t;
      }
      int[] row = Arrays.copyOf(pool, perOutput);
      Arrays.sort(row);
      rows[o] = row;
    }
    return new ConnectionTable(inputs, rows, "random(" + perOutput + ")");
  }

  /**
   * The seed of layer {@code layerName}'s random table in a run seeded with {@code runSeed}: runs
   * with different seeds draw different tables, and two layers of one run draw independently.
   */
  public static long seedOf(long runSeed, String layerName) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < layerName.length(); i++) {
      h ^= layerName.charAt(i);
      h *= 0x100000001b3L;
    }
    return mix(h ^ mix(runSeed + 0x9E3779B97F4A7C15L));
  }

  /** The finaliser of MurmurHash3: every input bit changes about half the output bits. */
  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /**
   * A table given row by row (as stored with weights): {@code rows[o]} are the input maps output
   * map {@code o} sees, strictly increasing, each in [0, inputs), every row of one length.
   */
  public static ConnectionTable of(int inputs, int[][] rows) {
    int k = rows.length == 0 ? 0 : rows[0].length;
    int[][] copy = new int[rows.length][];
    for (int o = 0; o < rows.length; o++) {
      if (rows[o].length != k || k < 1) {
        throw new IllegalArgumentException(
            "row " + o + " has " + rows[o].length + " input maps, not " + k);
      }
      for (int j = 0; j < k; j++) {
        int m = rows[o][j];
        if (m < 0 || m >= inputs || (j > 0 && m <= rows[o][j - 1])) {
          throw new IllegalArgumentException(
              "row "
                  + o
                  + " is not strictly increasing input maps in 0.."
                  + (inputs - 1)
                  + ": "
                  + Arrays.toString(rows[o]));
        }
      }
      copy[o] = rows[o].clone();
    }
    return new ConnectionTable(inputs, copy, "random(" + k + ")");
  }

  public int inputs() {
    return inputs;
  }

  public int outputs() {
    return rows.length;
  }

  /** How many input maps each output map sees. */
  public int perOutput() {
    return rows.length == 0 ? 0 : rows[0].length;
  }

  /** The sorted input maps that output map {@code output} sees (a copy). */
  public int[] inputsOf(int output) {
    return rows[output].clone();
  }

  public boolean connected(int output, int input) {
    return Arrays.binarySearch(rows[output], input) >= 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConnectionTable t && t.inputs == inputs && Arrays.deepEquals(t.rows, rows);
  }

  @Override
  public int hashCode() {
    return 31 * inputs + Arrays.deepHashCode(rows);
  }

  @Override
  public String toString() {
    return description;
  }
}
