package org.lcrec.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MiniOneRecImporterTest {
    @TempDir Path dir;

    private static final String HEADER =
            "user_id,history_item_title,item_title,history_item_id,item_id,history_item_sid,item_sid\n";

    private void items(int n) throws IOException {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",")
                    .append("\"")
                    .append(i)
                    .append("\": {\"title\": \"t")
                    .append(i)
                    .append("\"}");
        }
        Files.writeString(dir.resolve("X.item.json"), sb.append("}").toString());
    }

    @Test
    void chainsRowsAndDropsConflictingUsers() throws IOException {
        items(10);
        Files.writeString(
                dir.resolve("X.valid.csv"),
                HEADER
                        + "A1,\"['Bob\\'s saw, 12\"\"', \"it's\"]\",t2,\"[0, 1]\",2,[],\n"
                        + "B2,['t5'],t6,[5],6,[],\n");
        Files.writeString(
                dir.resolve("X.test.csv"),
                HEADER
                        + "A1,[],t3,\"[0, 1, 2]\",3,[],\n"
                        + "B2,[],t7,\"[4, 6]\",7,[],\n"
                        + "C3,[],t9,[8],9,[],\n");
        MiniOneRecImporter.Result r = MiniOneRecImporter.read(dir, "X");
        assertThat(r.report().rows()).isEqualTo(5);
        assertThat(r.report().users()).isEqualTo(3);
        assertThat(r.report().rebuilt()).isEqualTo(2);
        assertThat(r.report().dropped()).isEqualTo(1);
        assertThat(r.dataset().interactions().sequence("A1")).containsExactly(0, 1, 2, 3);
        assertThat(r.dataset().interactions().sequence("C3")).containsExactly(8, 9);
        assertThat(r.dataset().interactions().contains("B2")).isFalse();
        assertThat(DatasetDirectory.detect(dir).layout())
                .isEqualTo(DatasetDirectory.Layout.MINIONEREC);
    }

    @Test
    void badRowsAreLocated() throws IOException {
        items(3);
        Files.writeString(dir.resolve("X.valid.csv"), HEADER + "A1,[],t,\"[0, x]\",1,[],\n");
        assertThatThrownBy(() -> MiniOneRecImporter.read(dir, "X"))
                .hasMessageContaining("X.valid.csv: line 2 column history_item_id")
                .hasMessageContaining("expected an integer");
        Files.writeString(dir.resolve("X.valid.csv"), HEADER + "A1,[],t,[0],7,[],\n");
        assertThatThrownBy(() -> MiniOneRecImporter.read(dir, "X"))
                .hasMessage("X.valid.csv: line 2: item 7 is not in the item catalog");
        Files.writeString(dir.resolve("X.valid.csv"), HEADER + "A1,[],t,[0]\n");
        assertThatThrownBy(() -> MiniOneRecImporter.read(dir, "X"))
                .hasMessage("X.valid.csv: line 2: expected 7 columns, found 4");
        byte[] latin1 =
                (HEADER + "A1,[],caf\u00e9,[0],1,[],\n")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("X.valid.csv"), latin1);
        assertThatThrownBy(() -> MiniOneRecImporter.read(dir, "X"))
                .isInstanceOf(org.lcrec.core.DatasetException.class)
                .hasMessageContaining("X.valid.csv: expected UTF-8 text, found bytes that are not");
        Files.writeString(dir.resolve("X.valid.csv"), "user,item\n");
        assertThatThrownBy(() -> MiniOneRecImporter.read(dir, "X"))
                .hasMessageContaining("X.valid.csv: header: expected a column \"user_id\"");
    }
}
