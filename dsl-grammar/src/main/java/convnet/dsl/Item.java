package convnet.dsl;

import java.util.List;

/** One item of a network body: the input shape, a stage line, or the training block. */
public sealed interface Item {
  SourcePos pos();

  /** {@code input CxHxW}. */
  record Input(int channels, int height, int width, SourcePos pos) implements Item {}

  /** A line of layers joined by {@code -}. */
  record StageItem(Stage stage) implements Item {
    @Override
    public SourcePos pos() {
      return stage.pos();
    }
  }

  /** {@code train { key = value ... }}. */
  record Train(List<Setting> settings, SourcePos pos) implements Item {
    public Train {
      settings = List.copyOf(settings);
    }
  }
}
