package org.lcrec.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.core.Dataset;
import org.lcrec.core.DatasetException;
import org.lcrec.core.SemanticId;

/** Every bad-input case of the dataset files names the file, the key and what was found. */
class LcRecFilesTest {
    @TempDir Path dir;

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void readsAWellFormedDirectory() throws IOException {
        file("Toy.inter.json", "{\"0\": [0, 1, 2], \"7\": [2, 1]}");
        file(
                "Toy.index.json",
                "{\"0\": [\"<a_1>\", \"<b_2>\"], \"1\": [\"<a_1>\", \"<b_3>\"], \"2\": [\"<a_0>\", \"<b_2>\"]}");
        file(
                "Toy.item.json",
                "{\"0\": {\"title\": \"A\"}, \"1\": {\"title\": \"B\", \"description\": \"d\","
                        + " \"categories\": [\"x\", \"y\"], \"price\": 3.5}, \"2\": {}}");
        Dataset d = Dataset.load(dir);
        assertThat(d.name()).isEqualTo("Toy");
        assertThat(d.interactions().users()).containsExactly("0", "7");
        assertThat(d.interactions().sequence("7")).containsExactly(2, 1);
        assertThat(d.index().get(1)).isEqualTo(SemanticId.of(1, 3));
        assertThat(d.items().get(1).categories()).isEqualTo("x, y");
        assertThat(d.items().get(2).title()).isEmpty();
    }

    @Test
    void malformedJson() throws IOException {
        Path p = file("Toy.inter.json", "{\"0\": [1, 2,\n \"1\": [3]}");
        assertThatThrownBy(() -> LcRecFiles.readInteractions(p))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("Toy.inter.json: ")
                .hasMessageContaining("line 2")
                .hasMessageContaining("expected an integer item id")
                .hasMessageContaining("found \"1\"");
        Path q = file("Bad.inter.json", "{\"0\": [1, 2]");
        assertThatThrownBy(() -> LcRecFiles.readInteractions(q))
                .hasMessageStartingWith("Bad.inter.json: ")
                .hasMessageContaining("malformed JSON");
        Path r = file("List.inter.json", "[1, 2]");
        assertThatThrownBy(() -> LcRecFiles.readInteractions(r))
                .hasMessageContaining("List.inter.json")
                .hasMessageContaining("expected a JSON object, found a list");
    }

    @Test
    void nonIntegerAndDuplicateIds() throws IOException {
        Path a = file("A.inter.json", "{\"0\": [1, 2.5]}");
        assertThatThrownBy(() -> LcRecFiles.readInteractions(a))
                .hasMessage(
                        "A.inter.json: user \"0\" position 1 (line 1): expected an integer item id, found 2.5");
        Path b = file("B.inter.json", "{\"0\": [1], \"0\": [2]}");
        assertThatThrownBy(() -> LcRecFiles.readInteractions(b))
                .hasMessage("B.inter.json: user \"0\": duplicate user id");
        Path c = file("C.item.json", "{\"x1\": {\"title\": \"t\"}}");
        assertThatThrownBy(() -> LcRecFiles.readItems(c))
                .hasMessage("C.item.json: key \"x1\": expected a non-negative integer item id");
        Path d = file("D.item.json", "{\"3\": {}, \"3\": {}}");
        assertThatThrownBy(() -> LcRecFiles.readItems(d))
                .hasMessage("D.item.json: item 3: duplicate item id");
        Path e = file("E.index.json", "{\"-1\": [\"<a_1>\"]}");
        assertThatThrownBy(() -> LcRecFiles.readIndex(e))
                .hasMessageContaining(
                        "E.index.json: key \"-1\": expected a non-negative integer item id");
        Path f = file("F.inter.json", "{\"0\": [1, -4]}");
        assertThatThrownBy(() -> LcRecFiles.readInteractions(f))
                .hasMessageContaining("F.inter.json: user \"0\"")
                .hasMessageContaining("found -4");
    }

    @Test
    void indexEntriesWithWrongLevelsOrBadTokens() throws IOException {
        Path a =
                file(
                        "A.index.json",
                        "{\"0\": [\"<a_1>\", \"<b_2>\", \"<c_3>\", \"<d_4>\"], \"42\": [\"<a_1>\", \"<b_2>\", \"<c_3>\"]}");
        assertThatThrownBy(() -> LcRecFiles.readIndex(a))
                .hasMessage("A.index.json: item 42: expected 4 codes, found 3");
        Path b = file("B.index.json", "{\"0\": [\"<a_1>\", \"b_2\"]}");
        assertThatThrownBy(() -> LcRecFiles.readIndex(b))
                .hasMessageContaining("B.index.json: item 0: bad index token")
                .hasMessageContaining("\"b_2\"");
        Path c = file("C.index.json", "{\"0\": [\"<b_1>\", \"<a_2>\"]}");
        assertThatThrownBy(() -> LcRecFiles.readIndex(c))
                .hasMessage(
                        "C.index.json: item 0: expected a level-'a' token at position 1, found \"<b_1>\"");
        Path d = file("D.index.json", "{}");
        assertThatThrownBy(() -> LcRecFiles.readIndex(d))
                .hasMessageContaining("expected at least one index entry");
    }

    @Test
    void emptySequences() throws IOException {
        Path p = file("E.inter.json", "{\"5\": []}");
        assertThatThrownBy(() -> LcRecFiles.readInteractions(p))
                .hasMessage("E.inter.json: user \"5\": expected a non-empty sequence, found []");
    }

    @Test
    void interactionsNamingUnknownItems() throws IOException {
        file("Toy.inter.json", "{\"0\": [0, 1], \"1\": [1, 9]}");
        file("Toy.item.json", "{\"0\": {\"title\": \"a\"}, \"1\": {\"title\": \"b\"}}");
        assertThatThrownBy(() -> Dataset.load(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(
                        "Toy.inter.json: user \"1\": item 9 is not in the item catalog (2 items)");
        Files.delete(dir.resolve("Toy.item.json"));
        file("Toy.index.json", "{\"0\": [\"<a_1>\"], \"1\": [\"<a_2>\"]}");
        assertThatThrownBy(() -> Dataset.load(dir))
                .hasMessageContaining("user \"1\": item 9 has no entry in Toy.index.json");
    }

    @Test
    void directoriesWithoutADataset() throws IOException {
        assertThatThrownBy(() -> Dataset.load(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("no dataset found")
                .hasMessageContaining("expected <Name>.inter.json")
                .hasMessageContaining("found an empty directory");
        file("notes.txt", "x");
        assertThatThrownBy(() -> Dataset.load(dir)).hasMessageContaining("found [notes.txt]");
        assertThatThrownBy(() -> Dataset.load(dir.resolve("missing")))
                .hasMessageContaining("no such directory");
        file("A.inter.json", "{}");
        file("B.inter.json", "{}");
        assertThatThrownBy(() -> Dataset.load(dir)).hasMessageContaining("found several: [A, B]");
    }

    @Test
    void userFilesWithMissingFields() throws IOException {
        Path p =
                file(
                        "U.user.json",
                        "{\"user_explicit_preference\": {\"0\": [\"likes drums\"]},"
                                + " \"user_vague_intention\": {\"train\": {\"0\": {\"item\": 3, \"querys\": [\"q\"]}}}}");
        assertThatThrownBy(() -> LcRecFiles.readUsers(p))
                .hasMessage(
                        "U.user.json: user_vague_intention.train: user \"0\": expected fields item,"
                                + " inters and querys, missing inters");
        Path q = file("V.user.json", "{\"user_explicit_preference\": {\"0\": []}}");
        assertThatThrownBy(() -> LcRecFiles.readUsers(q))
                .hasMessageContaining(
                        "V.user.json: user_explicit_preference: user \"0\": expected preference texts");
        Path r = file("W.user.json", "{\"other\": 1}");
        assertThatThrownBy(() -> LcRecFiles.readUsers(r)).hasMessageContaining("found neither");
    }

    @Test
    void missingFilesAreNamed() {
        assertThatThrownBy(() -> LcRecFiles.readIndex(dir.resolve("Nope.index.json")))
                .hasMessageContaining("Nope.index.json: file not found");
    }

    @Test
    void writtenFilesAreWorldReadableAndCopiesAreAtomic() throws IOException {
        Path f = dir.resolve("out/a.json");
        AtomicFiles.writeString(f, "hello");
        if (Files.getFileStore(f).supportsFileAttributeView("posix")) {
            assertThat(
                            java.nio.file.attribute.PosixFilePermissions.toString(
                                    Files.getPosixFilePermissions(f)))
                    .isEqualTo("rw-r--r--");
        }
        AtomicFiles.writeChannel(
                dir.resolve("b.bin"),
                ch -> ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})));
        assertThat(Files.readAllBytes(dir.resolve("b.bin"))).containsExactly(1, 2, 3);
        AtomicFiles.copy(f, dir.resolve("c.json"));
        assertThat(Files.readString(dir.resolve("c.json"))).isEqualTo("hello");
    }

    @Test
    void writersLeaveNoPartialFileOnFailure() throws IOException {
        Path target = file("keep.json", "original");
        assertThatThrownBy(
                        () ->
                                AtomicFiles.write(
                                        target,
                                        out -> {
                                            out.write("partial".getBytes());
                                            throw new IOException("disk full");
                                        }))
                .hasMessageContaining("keep.json")
                .hasMessageContaining("disk full");
        assertThat(Files.readString(target)).isEqualTo("original");
        try (var files = Files.list(dir)) {
            assertThat(files.map(x -> x.getFileName().toString())).containsExactly("keep.json");
        }
    }
}
