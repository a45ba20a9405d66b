package convnet.dsl;

import java.util.List;

/**
 * One item of a sweep body: a network item (input, stage line, train block), a variable, or a
 * setting.
 */
public sealed interface SweepItem {
  SourcePos pos();

  /** An item of the network template, as in a network body. */
  record NetworkItem(Item item) implements SweepItem {
    @Override
    public SourcePos pos() {
      return item.pos();
    }
  }

  /**
   * {@code vary NAME = a | b | ...} or {@code vary (X, Y) = (a, b) | ...}: variables that take
   * their values together, one alternative at a time. {@code names} and {@code namePositions} have
   * the same length, as has each alternative's {@code values}.
   */
  record Vary(
      List<String> names,
      List<SourcePos> namePositions,
      List<Alternative> alternatives,
      SourcePos pos)
      implements SweepItem {
    public Vary {
      names = List.copyOf(names);
      namePositions = List.copyOf(namePositions);
      alternatives = List.copyOf(alternatives);
    }
  }

  /**
   * One alternative of a {@code vary}: an optional label and one value (stage lines) per variable.
   */
  record Alternative(String label, List<List<Stage>> values, SourcePos pos) {
    public Alternative {
      values = values.stream().map(List::copyOf).toList();
    }
  }

  /** {@code key = value}: protocols, seeds, rows, columns, limit_train, limit_test. */
  record Setting(convnet.dsl.Setting setting) implements SweepItem {
    @Override
    public SourcePos pos() {
      return setting.pos();
    }
  }
}
