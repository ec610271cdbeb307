package org.lcrec.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory helpers that checkpoint writers publish with. */
class AtomicFilesTest {
    @Test
    void moveAndDeleteTreeHandleWholeDirectories(@TempDir Path tmp) throws IOException {
        Path staged = tmp.resolve(".checkpoint-3.tmp");
        Files.createDirectories(staged.resolve("inner"));
        Files.writeString(staged.resolve("state.json"), "{}");
        Files.writeString(staged.resolve("inner").resolve("weights.bin"), "w");

        Path published = tmp.resolve("checkpoint-3");
        AtomicFiles.move(staged, published);
        assertThat(staged).doesNotExist();
        assertThat(published.resolve("inner").resolve("weights.bin")).hasContent("w");

        // a second directory cannot be moved over an existing one
        Files.createDirectories(staged);
        assertThatThrownBy(() -> AtomicFiles.move(staged, published))
                .isInstanceOf(IOException.class);

        AtomicFiles.deleteTree(published);
        assertThat(published).doesNotExist();
        assertThat(staged).exists();
        // deleting what is not there is a no-op
        AtomicFiles.deleteTree(published);
        AtomicFiles.deleteTree(staged);
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void theNextWriteRemovesWhatAKilledWriteOfTheSameFileLeft(@TempDir Path tmp)
            throws IOException {
        // what Files.createTempFile left for a write that was killed before its move
        Path leftover = Files.writeString(tmp.resolve(".tasks.jsonl8167301928374.tmp"), "half");
        Path otherFile = Files.writeString(tmp.resolve(".other.jsonl123.tmp"), "not ours");
        Path lookalike = Files.writeString(tmp.resolve(".tasks.jsonl.backup.tmp"), "a user's");
        AtomicFiles.writeString(tmp.resolve("tasks.jsonl"), "complete\n");
        assertThat(tmp.resolve("tasks.jsonl")).hasContent("complete");
        assertThat(leftover).doesNotExist();
        assertThat(otherFile).exists();
        assertThat(lookalike).exists();
    }
}
