package org.lcrec.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
    private final List<String> ran = new ArrayList<>();

    private Stage stage(String name, Object config, boolean fail) {
        return new Stage() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Map<String, Object> fingerprint() {
                return Map.of("config", config);
            }

            @Override
            public Map<String, Object> run(Path dir) throws Exception {
                ran.add(name);
                if (fail) {
                    throw new java.io.IOException("boom in " + name);
                }
                Files.writeString(dir.resolve("out.txt"), name);
                return Map.of("value", name.length());
            }
        };
    }

    private List<Pipeline.StageResult> run(Path root, Object cfgB, boolean failC) {
        return new Pipeline(root, new PrintWriter(new StringWriter()))
                .add(stage("a", 1, false))
                .add(stage("b", cfgB, false))
                .add(stage("c", 3, failC))
                .run();
    }

    @Test
    void resumesAfterAFailureAndRerunsFromAChangedStage(@TempDir Path root) {
        assertThatThrownBy(() -> run(root, 2, true))
                .hasMessageContaining("stage c failed: boom in c");
        assertThat(ran).containsExactly("a", "b", "c");
        ran.clear();
        List<Pipeline.StageResult> r = run(root, 2, false);
        assertThat(ran).containsExactly("c");
        assertThat(r).extracting(Pipeline.StageResult::reused).containsExactly(true, true, false);
        assertThat(r.get(0).figures()).containsEntry("value", 1);
        ran.clear();
        run(root, 2, false);
        assertThat(ran).isEmpty();
        // changing b's configuration reruns b and everything after it
        run(root, 99, false);
        assertThat(ran).containsExactly("b", "c");
    }

    @Test
    void aDamagedDoneMarkerRerunsItsStageAndTheOnesAfter(@TempDir Path root) throws Exception {
        run(root, 2, false);
        ran.clear();
        for (String damage : new String[] {"{\"version\": 1, \"fingerp", "", "[1, 2]", "null"}) {
            Files.writeString(root.resolve("b").resolve("done.json"), damage);
            run(root, 2, false);
            assertThat(ran).as("marker %s", damage).containsExactly("b", "c");
            ran.clear();
        }
        // a marker from another marker format version is not trusted either
        Path marker = root.resolve("c").resolve("done.json");
        Files.writeString(
                marker,
                Files.readString(marker).replaceFirst("\"version\" *: *\\d+", "\"version\": 99"));
        run(root, 2, false);
        assertThat(ran).containsExactly("c");
    }

    @Test
    void stageDirectoriesStayInsideTheRoot(@TempDir Path tmp) {
        Path root = tmp.resolve("out");
        Pipeline p =
                new Pipeline(root, new PrintWriter(new StringWriter()))
                        .add(stage("train-x/../../..", 1, false));
        assertThatThrownBy(p::run)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stage 'train-x/../../..'")
                .hasMessageContaining("expected a directory inside " + root);
        assertThat(ran).isEmpty();
        assertThat(root.resolve("train-x")).doesNotExist();
    }
}
