package convnet.dsl;

/** {@code key = value} inside a {@code train} block. */
public record Setting(String key, Value value, SourcePos pos) {}
