package convnet.compiler.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A small deterministic parallel runner: a range is cut into fixed contiguous chunks that run on a
 * fixed pool of daemon threads, the caller running the first chunk itself.
 *
 * <p>The chunk bounds depend only on the range length and the thread count, never on timing, so a
 * kernel that writes per-chunk partial results and adds them in chunk order is bitwise reproducible
 * for a given thread count. The thread count is the system property {@code convnet.threads}, by
 * default {@code Runtime.availableProcessors()}.
 */
public final class Parallel {

    /** The work done on one chunk {@code [start, end)} of a range; {@code chunk} counts from 0. */
    @FunctionalInterface
    public interface ChunkBody {
        /** Runs the chunk. */
        void run(int chunk, int start, int end);
    }

    private static volatile int threads = configuredThreads();
    private static ExecutorService pool;
    private static int poolSize;
    /** Depth of parallel regions entered by this thread: nested regions run inline so workers never wait on workers. */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Parallel() {
    }

    private static int configuredThreads() {
        String value = System.getProperty("convnet.threads");
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1) {
                throw new IllegalArgumentException("system property convnet.threads must be at least 1, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "system property convnet.threads must be a whole number, got '" + value + "'", e);
        }
    }

    /** The number of threads kernels use. */
    public static int threads() {
        return threads;
    }

    /** Sets the thread count for this process (the results of reductions depend on it, bitwise). */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + n);
        }
        threads = n;
    }

    /** The number of chunks a range of {@code n} items is cut into: the thread count, at most {@code n}, at least 1. */
    public static int chunkCount(int n) {
        return Math.max(1, Math.min(threads, n));
    }

    /** The first index of chunk {@code i} of {@code chunks} over {@code [0, n)}. */
    public static int chunkStart(int n, int chunks, int i) {
        return (int) ((long) n * i / chunks);
    }

    /** Runs {@code body} over {@code [0, n)} cut into {@link #chunkCount(int)} chunks. */
    public static void forRange(int n, ChunkBody body) {
        forChunks(n, chunkCount(n), body);
    }

    /** Runs {@code body} over {@code [0, n)} cut into exactly {@code chunks} contiguous chunks (some may be empty). */
    public static void forChunks(int n, int chunks, ChunkBody body) {
        if (n < 0 || chunks < 1) {
            throw new IllegalArgumentException("bad range: n=" + n + ", chunks=" + chunks);
        }
        int[] depth = DEPTH.get();
        if (chunks == 1 || depth[0] > 0) {
            depth[0]++;
            try {
                for (int i = 0; i < chunks; i++) {
                    body.run(i, chunkStart(n, chunks, i), chunkStart(n, chunks, i + 1));
                }
            } finally {
                depth[0]--;
            }
            return;
        }
        ExecutorService executor = pool(chunks - 1);
        List<Future<?>> futures = new ArrayList<>(chunks - 1);
        for (int i = 1; i < chunks; i++) {
            final int chunk = i;
            futures.add(executor.submit(() -> {
                int[] d = DEPTH.get();
                d[0]++;
                try {
                    body.run(chunk, chunkStart(n, chunks, chunk), chunkStart(n, chunks, chunk + 1));
                } finally {
                    d[0]--;
                }
            }));
        }
        Throwable failure = null;
        depth[0]++;
        try {
            body.run(0, 0, chunkStart(n, chunks, 1));
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            depth[0]--;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = new IllegalStateException("interrupted while waiting for kernel threads", e);
                }
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    private static synchronized ExecutorService pool(int workers) {
        if (pool == null || poolSize < workers) {
            ExecutorService old = pool;
            int size = Math.max(workers, Runtime.getRuntime().availableProcessors() - 1);
            pool = Executors.newFixedThreadPool(size, r -> {
                Thread t = new Thread(r, "convnet-kernel");
                t.setDaemon(true);
                return t;
            });
            poolSize = size;
            if (old != null) {
                old.shutdown();
            }
        }
        return pool;
    }
}
