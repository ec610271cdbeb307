package org.lcrec.quantization.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Explicit row-block parallelism: a fixed pool owned by the caller (create with {@link #pool(int,
 * String)}, close in {@code finally}), contiguous row blocks, results combined in block order so a
 * given thread count always gives the same answer. Never uses the common pool.
 */
public final class Parallel {
    private Parallel() {}

    /** Work on rows {@code [first, limit)} of block {@code block}. */
    @FunctionalInterface
    public interface RowBlock {
        /**
         * @param first first row
         * @param limit one past the last row
         * @param block the block's number, {@code 0 .. blocks-1}
         */
        void run(int first, int limit, int block);
    }

    /**
     * @param threads threads; 1 means "run inline" and returns null
     * @param name thread name
     * @return a pool of daemon threads, or null for one thread
     */
    public static ExecutorService pool(int threads, String name) {
        if (threads <= 1) {
            return null;
        }
        return Executors.newFixedThreadPool(
                threads,
                r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * @param pool the pool, or null to run inline
     * @return the number of blocks work is split into on that pool
     */
    public static int blocks(ExecutorService pool) {
        return pool == null
                ? 1
                : ((java.util.concurrent.ThreadPoolExecutor) pool).getCorePoolSize();
    }

    /**
     * Splits {@code [0, rows)} into {@link #blocks(ExecutorService)} contiguous blocks and runs
     * them, waiting for all.
     *
     * @param pool the pool, or null to run inline
     * @param rows rows
     * @param body the work
     */
    public static void forBlocks(ExecutorService pool, int rows, RowBlock body) {
        int t = blocks(pool);
        if (t == 1 || rows < 2) {
            body.run(0, rows, 0);
            if (t > 1) {
                for (int b = 1; b < t; b++) {
                    body.run(rows, rows, b);
                }
            }
            return;
        }
        List<Future<?>> fs = new ArrayList<>(t);
        for (int b = 0; b < t; b++) {
            int first = (int) ((long) rows * b / t);
            int limit = (int) ((long) rows * (b + 1) / t);
            int block = b;
            fs.add(pool.submit(() -> body.run(first, limit, block)));
        }
        try {
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * @param pool a pool or null
     */
    public static void close(ExecutorService pool) {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
