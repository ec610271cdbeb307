package org.lcrec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SemanticIdTest {
    @Test
    void tokensUseOneLetterPerLevel() {
        SemanticId id = SemanticId.of(128, 241, 146, 235);
        assertThat(id.toTokenString()).isEqualTo("<a_128><b_241><c_146><d_235>");
        assertThat(id.tokens()).containsExactly("<a_128>", "<b_241>", "<c_146>", "<d_235>");
        assertThat(IndexTokens.token(4, 0)).isEqualTo("<e_0>");
        assertThat(IndexTokens.token(5, 9)).isEqualTo("<f_9>");
    }

    @Test
    void parseIsTheInverseOfPrinting() {
        for (int[] codes : new int[][] {{0}, {12, 7}, {255, 0, 31, 200, 4}, {1, 2, 3, 4, 5, 6}}) {
            SemanticId id = SemanticId.of(codes);
            assertThat(SemanticId.parse(id.toTokenString())).isEqualTo(id);
            assertThat(SemanticId.parse(id.toTokenString()).codes()).containsExactly(codes);
        }
        assertThat(IndexTokens.parseToken("<c_200>")).containsExactly(2, 200);
    }

    @Test
    void malformedTokensAreRejectedWithTheText() {
        assertThatThrownBy(() -> SemanticId.parse("<a_1><c_2>"))
                .hasMessageContaining("<a_1><c_2>")
                .hasMessageContaining("expected level 'b'")
                .hasMessageContaining("found 'c'");
        for (String bad :
                new String[] {
                    "<a_>", "<a_1", "a_1>", "<A_1>", "<a_1>x", "<a-1>", "", "<a_99999999999>"
                }) {
            assertThatThrownBy(() -> SemanticId.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"" + bad + "\"");
        }
        assertThatThrownBy(() -> IndexTokens.parseToken("<a_1><b_2>"))
                .hasMessageContaining("expected one index token");
    }

    @Test
    void prefixAndEquality() {
        SemanticId id = SemanticId.of(3, 4, 5);
        assertThat(id.prefix(2)).isEqualTo(SemanticId.of(3, 4));
        assertThat(id.append(9)).isEqualTo(SemanticId.of(3, 4, 5, 9));
        assertThat(id.withCode(1, 0)).isEqualTo(SemanticId.of(3, 0, 5));
        assertThat(id.compareTo(SemanticId.of(3, 4, 6))).isNegative();
        assertThatThrownBy(() -> SemanticId.of(1, -2)).hasMessageContaining("[1, -2]");
    }

    @Test
    void indexReportsCollisionGroupsAndCodeUsage() {
        SemanticIndex ix =
                SemanticIndex.of(
                        Map.of(
                                0, SemanticId.of(1, 2),
                                1, SemanticId.of(1, 3),
                                2, SemanticId.of(1, 2),
                                3, SemanticId.of(4, 2),
                                4, SemanticId.of(1, 2),
                                5, SemanticId.of(4, 2)));
        SemanticIndex.CollisionReport c = ix.collisions();
        assertThat(c.groups()).hasSize(2);
        assertThat(c.groups().get(0)).containsExactly(0, 2, 4);
        assertThat(c.groups().get(1)).containsExactly(3, 5);
        assertThat(c.itemsInvolved()).isEqualTo(5);
        assertThat(c.surplusItems()).isEqualTo(3);
        assertThat(c.rate()).isEqualTo(0.5);
        assertThat(ix.codesUsedPerLevel()).containsExactly(2, 2);
        assertThat(ix.codebookSize()).isEqualTo(5);
        assertThat(ix.tokens()).containsExactly("<a_1>", "<a_4>", "<b_2>", "<b_3>");
        assertThat(ix.itemsFor(SemanticId.of(4, 2))).containsExactly(3, 5);
        assertThat(ix.item(SemanticId.of(1, 3))).contains(1);
        assertThat(ix.item(SemanticId.of(9, 9))).isEmpty();
        assertThatThrownBy(() -> ix.item(SemanticId.of(1, 2)))
                .hasMessageContaining("shared by items [0, 2, 4]");
        assertThat(ix.toString()).contains("items=6", "levels=2", "collidingItems=3");
    }

    @Test
    void indexRejectsMixedLevelCounts() {
        assertThatThrownBy(
                        () -> SemanticIndex.of(Map.of(0, SemanticId.of(1, 2), 1, SemanticId.of(1))))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("item 1: expected 2 codes, found 1");
    }
}
