package org.lcrec.spark;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.spark.SparkFiles;
import org.apache.spark.sql.SparkSession;

/**
 * A file or directory that Spark tasks read on the machine they run on: a model bundle, a dataset
 * directory, a quantizer or a text encoder. Either the same path is visible on every node (a shared
 * file system, or one machine in local mode: {@link #shared}), or Spark ships a copy to every node
 * itself ({@link #ship}: {@code SparkContext.addFile}, read back through {@link SparkFiles#get}).
 * Serializable: it travels with the tasks, the content does not.
 *
 * @implNote Spark names shipped files by their last path element, so two different directories both
 *     called {@code bundle} cannot be shipped in one application (Spark refuses the second {@code
 *     addFile}); give them distinct names.
 */
public final class ExecutorFile implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String driverPath;
    private final String shippedName;

    private ExecutorFile(String driverPath, String shippedName) {
        this.driverPath = driverPath;
        this.shippedName = shippedName;
    }

    /**
     * A path that every node reads as it is (a shared or distributed file system mounted at the
     * same place everywhere, or the local disk in local mode).
     *
     * @param path the file or directory
     * @return the location
     */
    public static ExecutorFile shared(Path path) {
        Objects.requireNonNull(path, "path");
        return new ExecutorFile(path.toAbsolutePath().normalize().toString(), null);
    }

    /**
     * Ships a file or directory of the driver's machine to every node that runs a task of this
     * application ({@code SparkContext.addFile}, recursively for a directory).
     *
     * @param spark the session
     * @param local the file or directory on the driver
     * @return the location; tasks read the node's copy
     * @throws IllegalArgumentException if {@code local} does not exist
     */
    public static ExecutorFile ship(SparkSession spark, Path local) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(local, "local");
        Path p = local.toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new IllegalArgumentException(
                    p + ": expected a file or directory to ship, found nothing");
        }
        spark.sparkContext().addFile(p.toString(), Files.isDirectory(p));
        return new ExecutorFile(p.toString(), p.getFileName().toString());
    }

    /**
     * @return whether Spark ships a copy to the nodes
     */
    public boolean shipped() {
        return shippedName != null;
    }

    /**
     * @return the path on the driver's machine
     */
    public Path driverPath() {
        return Path.of(driverPath);
    }

    /**
     * Where a task reads it: the shared path, or the node's copy of a shipped file. Call it inside
     * a task (or on the driver); on a node that has not fetched a shipped file yet, Spark fetches
     * it before the task starts.
     *
     * @return the local path
     */
    public Path local() {
        return shippedName == null ? Path.of(driverPath) : Path.of(SparkFiles.get(shippedName));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecutorFile f
                && driverPath.equals(f.driverPath)
                && Objects.equals(shippedName, f.shippedName);
    }

    @Override
    public int hashCode() {
        return driverPath.hashCode() * 31 + Objects.hashCode(shippedName);
    }

    @Override
    public String toString() {
        return shippedName == null
                ? "ExecutorFile(shared " + driverPath + ")"
                : "ExecutorFile(shipped " + shippedName + " from " + driverPath + ")";
    }
}
