package convnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import convnet.runtime.cli.Main;
import java.awt.Color;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest {
  @TempDir Path dir;

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(status, out.toString(), err.toString());
  }

  @Test
  void describesTheSubset() throws Exception {
    Result r = run("data", "fashion-mnist-subset", "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertEquals(6000, json.get("train").asInt());
    assertEquals(1000, json.get("test").asInt());
    assertEquals("Ankle boot", json.get("classes").get(9).get("name").asText());
    assertEquals(100, json.get("classes").get(3).get("test").asInt());
    Result text = run("data", "fashion-mnist-subset");
    assertTrue(text.out().contains("shape:   1x28x28"), text.out());
    assertTrue(text.out().contains("      9  Ankle boot       600      100"), text.out());
  }

  @Test
  void folderDataNeedsAnInputShape() {
    TestFiles.image(dir.resolve("a/1.png"), 5, 5, Color.RED);
    TestFiles.image(dir.resolve("a/2.png"), 5, 5, Color.RED);
    TestFiles.image(dir.resolve("b/1.png"), 5, 5, Color.BLUE);
    Result r = run("data", dir.toString());
    assertEquals(Main.EXIT_USAGE, r.status());
    assertTrue(r.err().contains("folder data needs --input CxHxW"), r.err());
    Result ok = run("data", "folder:" + dir, "--input", "3x4x4", "--test-fraction", "0.5");
    assertEquals(0, ok.status(), ok.err());
    assertTrue(ok.out().contains("train:   2 images"), ok.out());
    assertTrue(ok.out().contains("test:    1 images"), ok.out());
  }

  @Test
  void userErrorsExitOneWithTheMessage() {
    Result r = run("data", "fashion-mnist-subset", "--input", "3x32x32");
    assertEquals(Main.EXIT_USER_ERROR, r.status());
    assertTrue(r.err().startsWith("data 'fashion-mnist-subset' has images of 1x28x28"), r.err());
    Result shape = run("data", "fashion-mnist-subset", "--input", "28x28");
    assertEquals(Main.EXIT_USAGE, shape.status());
    assertTrue(shape.err().contains("expected CxHxW"), shape.err());
  }
}
