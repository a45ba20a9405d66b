package convnet.compiler.gen;

/** A jump target inside one generated method; marked once with {@link Block#mark(Label)}. */
public final class Label {
  final org.objectweb.asm.Label asm = new org.objectweb.asm.Label();
  boolean marked;
}
