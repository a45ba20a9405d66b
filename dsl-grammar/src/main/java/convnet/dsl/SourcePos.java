package convnet.dsl;

/**
 * A place in a source file: lines and columns count from 1, length is the number of characters the
 * caret underlines (at least 1 when rendered).
 */
public record SourcePos(String file, int line, int col, int length) {
  /** The position of things that were not read from a file (generated or synthesised nodes). */
  public static final SourcePos NONE = new SourcePos("<none>", 0, 0, 0);

  public SourcePos {
    file = file == null ? "<input>" : file;
  }

  /** This position moved right by {@code offset} characters on the same line, with a new length. */
  public SourcePos shifted(int offset, int newLength) {
    if (this == NONE || line == 0) {
      return this;
    }
    return new SourcePos(file, line, col + offset, newLength);
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + col;
  }
}
