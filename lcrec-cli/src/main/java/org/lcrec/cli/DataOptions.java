package org.lcrec.cli;

import java.nio.file.Path;
import org.lcrec.core.Dataset;
import org.lcrec.core.SyntheticDataset;
import picocli.CommandLine.Option;

/** The {@code --data DIR} option shared by commands that read a dataset. */
public final class DataOptions {
    @Option(
            names = "--data",
            paramLabel = "DIR",
            description =
                    "Dataset directory (LC-Rec or MiniOneRec layout). Default: the synthetic"
                            + " dataset (seed 42).")
    Path data;

    /**
     * @return whether the synthetic default is used
     */
    public boolean synthetic() {
        return data == null;
    }

    /**
     * @return the dataset named by {@code --data}, or the synthetic default
     */
    public Dataset load() {
        return data == null ? SyntheticDataset.defaults().generate() : Dataset.load(data);
    }

    /**
     * @return the directory, or {@code null} for the synthetic default
     */
    public Path dir() {
        return data;
    }
}
