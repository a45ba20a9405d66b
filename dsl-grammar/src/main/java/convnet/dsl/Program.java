package convnet.dsl;

import java.util.List;

/** A parsed source file: its declarations in file order (the root of the AST). */
public record Program(String fileName, List<Decl> decls) {
  public Program {
    decls = List.copyOf(decls);
  }
}
