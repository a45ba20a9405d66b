package convnet.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding of paper tokens through the single-layer entry rule, with column-exact errors. */
class PaperTokenTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "64F9x9CSG | paper-conv maps=64 kernel=9x9 squash=true gain=true",
        "8F3x5C | paper-conv maps=8 kernel=3x5 squash=false gain=false",
        "16F5x5CS | paper-conv maps=16 kernel=5x5 squash=true gain=false",
        "PA10x10/5 | paper-pool kind=average window=10x10 stride=5",
        "PM2x2 | paper-pool kind=max window=2x2 stride=window",
        "N | paper-lcn window=default",
        "N5x5 | paper-lcn window=5x5",
        "Rabs | call Rabs form=bare",
        "Nx | call Nx form=bare",
        "Normal | call Normal form=bare",
        "c1: Fx | call label=c1 Fx form=bare",
        "logistic 10 | call logistic form=count args=(num:10)",
        "conv(maps=8, kernel=3x3) | call conv form=parens args=(maps=num:8, kernel=size:3x3)"
      })
  void decodes(String text, String dump) {
    assertEquals(dump, AstDump.layer(DslParser.parseLayer(text, "t")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "64F9x9CSX | 7 | unknown filter-bank suffix 'CSX'",
        "64G9x9C | 3 | expected 'F' after the number of maps",
        "64F9C | 4 | expected the filter size hxw after 'F'",
        "PA3 | 3 | expected the pooling window hxw after 'PA'",
        "N5 | 2 | bad normalization window '5'",
        "Rabs/2 | 1 | a stride only follows a pooling window"
      })
  void reportsTheColumnInsideTheWord(String text, int col, String message) {
    DslException e = assertThrows(DslException.class, () -> DslParser.parseLayer(text, "t"));
    Diagnostic d = e.diagnostics().all().get(0);
    assertEquals(col, d.pos().col(), d.message());
    assertTrue(d.message().contains(message), d.message());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "x / (1 + abs(x)) | (/ x (+ 1 (abs x)))",
        "2 ^ 3 ^ 2 | (^ 2 (^ 3 2))",
        "-x * 2 | (* (neg x) 2)",
        "max(x, 0) - min(x, 0) | (- (max x 0) (min x 0))",
        "1e-3 * x | (* 1e-3 x)"
      })
  void parsesExpressions(String text, String dump) {
    assertEquals(dump, AstDump.expr(DslParser.parseExpression(text, "t")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "R+R+ | protocol:R+R+",
        "fashion-mnist | name:fashion-mnist",
        "cifar-10 | name:cifar-10",
        "[flip, crop(pad=4)] | list[ident:flip, call:crop(pad=num:4)]",
        "sgd(lr=0.01, weight_decay=5e-4) | call:sgd(lr=num:0.01, weight_decay=num:5e-4)",
        "-1.5 | num:-1.5",
        "\"a \\\"b\\\"\" | string:\"a \\\"b\\\"\""
      })
  void parsesValues(String text, String dump) {
    Value v = DslParser.parseValue(text, "t");
    assertEquals(dump, AstDump.value(v));
    assertEquals(dump, AstDump.value(DslParser.parseValue(Printer.value(v), "t")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"5x5 | 5 | 5", "3x7 | 3 | 7"})
  void sizes(String text, int h, int w) {
    Value.Size s = assertInstanceOf(Value.Size.class, DslParser.parseValue(text, "t"));
    assertEquals(h, s.height());
    assertEquals(w, s.width());
  }
}
