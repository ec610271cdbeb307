package org.lcrec.cli.pipeline;

import java.nio.file.Path;
import java.util.Map;

/**
 * One cached, resumable step of a pipeline. A stage writes its outputs under its own directory;
 * once it has finished, the pipeline records its fingerprint there and later runs with the same
 * fingerprint skip it.
 */
public interface Stage {
    /**
     * @return the stage name (its directory name)
     */
    String name();

    /**
     * @return everything that decides the stage's output (configuration values, input file
     *     identities); a change of any value reruns the stage and all stages after it
     */
    Map<String, Object> fingerprint();

    /**
     * Runs the stage. A stage that can resume (training) looks for its own partial state in {@code
     * dir}; others start over.
     *
     * @param dir the stage's directory (exists)
     * @return figures to record in the stage's summary and the run's results
     * @throws Exception on failure; the stage is then not marked done
     */
    Map<String, Object> run(Path dir) throws Exception;
}
