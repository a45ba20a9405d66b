package convnet.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.compiler.CompilationInterruptedException;
import convnet.compiler.CompileOptions;
import convnet.compiler.Compiler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Ctrl-C (a stop request) stops a compilation in progress instead of waiting for it to end. */
class StopSignalTest {

  /** A function of a 1,000-node elementwise chain: compiling it takes a while. */
  private static Function chain() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(4, 8));
    Node h = x;
    for (int i = 0; i < 1_000; i++) {
      h = i % 2 == 0 ? b.tanh(h) : b.abs(h);
    }
    return new Function("chain", Graph.of("y", h));
  }

  @Test
  void stopRequestedBeforeCompilingStopsIt() {
    StopSignal stop = StopSignal.manual();
    stop.request();
    Function f = chain();
    assertThrows(
        CompilationInterruptedException.class,
        () -> stop.interruptibly(() -> Compiler.compile(f, CompileOptions.defaults())));
    assertFalse(Thread.interrupted(), "no interrupt outlives the section");
  }

  @Test
  void ctrlCWhileCompilingStopsTheCompilation() throws Exception {
    StopSignal stop = StopSignal.manual();
    Function f = chain();
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                stop.interruptibly(
                    () -> {
                      started.countDown();
                      // Compiles again and again: only the stop request can end this loop.
                      while (true) {
                        Compiler.compile(f, CompileOptions.defaults());
                      }
                    });
              } catch (Throwable t) {
                ended.set(t);
              }
            });
    worker.start();
    started.await();
    stop.request();
    worker.join();
    assertInstanceOf(CompilationInterruptedException.class, ended.get());
  }

  @Test
  void workOutsideCompilationIsNotInterrupted() {
    StopSignal stop = StopSignal.manual();
    assertEquals(42, stop.interruptibly(() -> 42));
    assertFalse(Thread.currentThread().isInterrupted());
  }
}
